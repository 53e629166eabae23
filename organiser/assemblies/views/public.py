"""Assemblies for the public: the assembly page, its calendar file, registering and confirming (no
session, so no CSRF token: double opt-in, rate limits and a honeypot guard them), and a registrant's
own page, reached by the link in their e-mails, with its cancel button."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.assemblies import services
from organiser.assemblies.ics import calendar_for
from organiser.assemblies.models import Assembly, Registration
from organiser.assemblies.registration_form import RegistrationForm, registration_form_class
from organiser.assemblies.services import report
from organiser.coalitions.forms import sign_country_choices
from organiser.db import db
from organiser.extensions import csrf
from organiser.web import limits
from organiser.web.microcache import public_page
from organiser.web.permissions import public_or_404
from organiser.web.public_actions import confirmation_page, is_bot


def _public_assembly(slug: str) -> Assembly:
    return public_or_404(services.by_slug(slug))


def _private(body: str, status: int = 200) -> Response:
    """A page for one registrant (their link is its key): never kept by any cache."""
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _register_form(assembly: Assembly) -> RegistrationForm:
    """The assembly's own registration form: its access needs and its organisers' questions."""
    form = registration_form_class(assembly)()
    form.country.choices = sign_country_choices(str(get_locale()))
    return form


def _render_public(assembly: Assembly, form: RegistrationForm, status: int = 200) -> Response:
    can_manage = current_user.is_authenticated and assembly.can_manage(current_user)
    closing_report = report.published_report(assembly)
    body = render_template(
        "assemblies/assembly.html",
        assembly=assembly,
        form=form,
        can_manage=can_manage,
        registration_state=assembly.registration_state(),
        places_left=services.places_left(assembly),
        figures=services.counts(assembly) if can_manage or assembly.has_ended() else None,
        consent_wording=services.consent_wording(assembly),
        closing_report=closing_report,
        attendance=report.attendance(assembly, smallest=report.SMALLEST_GROUP) if closing_report else None,
    )
    return public_page(Response(body, status, mimetype="text/html"))


def public(slug: str) -> Response:
    """The assembly: what, when (local time, zone named), where, places left, the registration form."""
    assembly = _public_assembly(slug)
    return _render_public(assembly, _register_form(assembly))


def ics(slug: str) -> Response:
    """The assembly for a calendar (no online link: that goes to confirmed registrants only)."""
    assembly = _public_assembly(slug)
    response = Response(calendar_for(assembly), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{assembly.slug}.ics"'
    return public_page(response)


@csrf.exempt
def register(slug: str) -> Response:
    """Register: a pending registration, and an e-mail with the link that confirms it."""
    assembly = _public_assembly(slug)
    if limits.over_public_limit(ip := request.remote_addr or "") or limits.over_action_limit(
        f"assembly-{assembly.id}", ip
    ):
        abort(429)
    form = _register_form(assembly)
    if assembly.registration_state() != "open":
        return _render_public(assembly, form, 409)
    if not form.validate():
        return _render_public(assembly, form)
    if not is_bot(form):  # the honeypot: a bot is answered as a person is, and nothing is kept
        data = {**form.data, "needs": form.needs(), "answers": form.answers()}
        services.register(assembly, data, ip=request.remote_addr or "")
        db.session.commit()
    body = render_template("assemblies/check_email.html", assembly=assembly, email=form.email.data)
    return _private(body)


@csrf.exempt
def confirm(slug: str, token: str) -> Response:
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms, once."""
    assembly = _public_assembly(slug)
    registration = services.registration_for_confirmation(token)

    def confirmed() -> Response:
        services.confirm(registration)
        db.session.commit()
        return redirect(
            url_for(".registration_page", slug=assembly.slug, token=services.page_token(registration))
        )

    return confirmation_page(
        registration is not None and registration.assembly_id == assembly.id,
        bad_link=lambda: _private(render_template("assemblies/bad_link.html", assembly=assembly)),
        show=lambda: _private(
            render_template("assemblies/confirm.html", assembly=assembly, registration=registration)
        ),
        confirm=confirmed,
    )


def _registration_page(assembly: Assembly, registration: Registration, notice: str = "") -> Response:
    body = render_template(
        "assemblies/registration.html",
        assembly=assembly,
        registration=registration,
        position=services.waitlist_position(registration),
        token=services.page_token(registration),
        notice=notice,
    )
    return _private(body)


def _own_registration(slug: str, token: str) -> tuple[Assembly, Registration] | Response:
    assembly = _public_assembly(slug)
    registration = services.registration_for_page(token)
    if registration is None or registration.assembly_id != assembly.id:
        return _private(render_template("assemblies/bad_link.html", assembly=assembly), 404)
    return assembly, registration


def registration_page(slug: str, token: str) -> Response:
    """A registrant's own page (the link in their e-mails): where they stand, the online link once
    they have a place, their check-in code, and a button to cancel."""
    found = _own_registration(slug, token)
    if isinstance(found, Response):
        return found
    return _registration_page(*found)


@csrf.exempt  # the link itself is the secret, and the page has no session for a token
def cancel_own(slug: str, token: str) -> Response:
    """The registrant cancels; a place they held goes to the next person on the waitlist."""
    found = _own_registration(slug, token)
    if isinstance(found, Response):
        return found
    assembly, registration = found
    try:
        services.cancel_registration(registration)
    except services.RegistrationStateError:
        db.session.rollback()
        return _registration_page(assembly, registration)
    db.session.commit()
    return _registration_page(
        assembly, registration, _("Your registration is cancelled. Thank you for letting us know.")
    )
