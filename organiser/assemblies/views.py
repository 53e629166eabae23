"""Assemblies: the public page, its calendar file, registering and confirming, a registrant's own
page; organisers' pages to create and publish assemblies, see registrations, check people in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from organiser.assemblies import services
from organiser.assemblies.forms import KIND_LABELS, AgendaItemForm, AssemblyForm, CheckInForm, RegisterForm
from organiser.assemblies.ics import calendar_for
from organiser.assemblies.models import AgendaItem, Assembly, Registration, RegistrationStatus
from organiser.coalitions.forms import sign_country_choices
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.extensions import csrf
from organiser.web import limits
from organiser.web.buttons import button_action
from organiser.web.downloads import logged_csv_download
from organiser.web.forms import ConfirmForm
from organiser.web.microcache import public_page
from organiser.web.permissions import authorise
from organiser.web.public_actions import is_bot

bp = Blueprint("assemblies", __name__)

STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
}
REGISTRATION_LABELS = {
    "pending": _l("Not confirmed yet"),
    "confirmed": _l("Place confirmed"),
    "waitlisted": _l("On the waitlist"),
    "cancelled": _l("Cancelled"),
    "attended": _l("Took part"),
}


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "assembly_when": services.when,
        "assembly_time": services.local_time,
        "assembly_kinds": KIND_LABELS,
        "assembly_labels": STATUS_LABELS,
        "registration_labels": REGISTRATION_LABELS,
    }


def _public_assembly(slug: str) -> Assembly:
    assembly = services.by_slug(slug)
    if assembly is None:
        abort(404)
    if not assembly.is_public and not (current_user.is_authenticated and assembly.can_manage(current_user)):
        abort(404)
    return assembly


def _private(body: str, status: int = 200) -> Response:
    """A page for one registrant (their link is its key): never kept by any cache."""
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _register_form() -> RegisterForm:
    form = RegisterForm()
    form.country.choices = sign_country_choices(str(get_locale()))
    return form


def _render_public(assembly: Assembly, form: RegisterForm, status: int = 200) -> Response:
    can_manage = current_user.is_authenticated and assembly.can_manage(current_user)
    body = render_template(
        "assemblies/assembly.html",
        assembly=assembly,
        form=form,
        can_manage=can_manage,
        registration_state=assembly.registration_state(),
        places_left=services.places_left(assembly),
        figures=services.counts(assembly) if can_manage or assembly.has_ended() else None,
        consent_wording=services.consent_wording(assembly),
    )
    return public_page(Response(body, status, mimetype="text/html"))


@bp.get("/assemblies/<slug>")
def public(slug: str) -> Response:
    """The assembly: what, when (local time, zone named), where, places left, the registration form."""
    return _render_public(_public_assembly(slug), _register_form())


@bp.get("/assemblies/<slug>.ics")
def ics(slug: str) -> Response:
    """The assembly for a calendar (no online link: that goes to confirmed registrants only)."""
    assembly = _public_assembly(slug)
    response = Response(calendar_for(assembly), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{assembly.slug}.ics"'
    return public_page(response)


@bp.post("/assemblies/<slug>/register")
@csrf.exempt
def register(slug: str) -> Response:
    """Register: a pending registration, and an e-mail with the link that confirms it."""
    assembly = _public_assembly(slug)
    if limits.over_public_limit(ip := request.remote_addr or "") or limits.over_action_limit(
        f"assembly-{assembly.id}", ip
    ):
        abort(429)
    form = _register_form()
    if assembly.registration_state() != "open":
        return _render_public(assembly, form, 409)
    if not form.validate():
        return _render_public(assembly, form)
    if not is_bot(form):  # the honeypot: a bot is answered as a person is, and nothing is kept
        services.register(assembly, form.data, ip=request.remote_addr or "")
        db.session.commit()
    body = render_template("assemblies/check_email.html", assembly=assembly, email=form.email.data)
    return _private(body)


@bp.route("/assemblies/<slug>/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
def confirm(slug: str, token: str) -> Response:
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms, once."""
    assembly = _public_assembly(slug)
    registration = services.registration_for_confirmation(token)
    if registration is None or registration.assembly_id != assembly.id:
        return _private(render_template("assemblies/bad_link.html", assembly=assembly), 404)
    if request.method == "POST":
        services.confirm(registration)
        db.session.commit()
        return redirect(
            url_for(".registration_page", slug=assembly.slug, token=services.page_token(registration))
        )
    return _private(render_template("assemblies/confirm.html", assembly=assembly, registration=registration))


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


@bp.get("/assemblies/<slug>/registration/<token>")
def registration_page(slug: str, token: str) -> Response:
    """A registrant's own page (the link in their e-mails): where they stand, the online link once
    they have a place, their check-in code, and a button to cancel."""
    found = _own_registration(slug, token)
    if isinstance(found, Response):
        return found
    return _registration_page(*found)


@bp.post("/assemblies/<slug>/registration/<token>/cancel")
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


# ---- organisers -------------------------------------------------------------------------------------


def _coalition_organiser(view: Callable[..., Any]) -> Callable[..., Any]:
    """Load the coalition in the URL (404) and require someone who may create its assemblies (403)."""

    @functools.wraps(view)
    @login_required
    def wrapper(slug: str) -> Any:
        coalition = db.session.scalar(select(Coalition).where(Coalition.slug == slug))
        if coalition is None:
            abort(404)
        if not services.can_create_in(coalition, current_user):
            abort(403)
        return view(coalition)

    return wrapper


@bp.get("/coalitions/<slug>/assemblies")
@_coalition_organiser
def coalition_assemblies(coalition: Coalition) -> str:
    """A coalition's assemblies, latest first, for its coordinators and assembly organisers."""
    assemblies = [a for a in services.assemblies_of(coalition.id) if a.can_manage(current_user)]
    return render_template("assemblies/list.html", coalition=coalition, assemblies=assemblies)


@bp.route("/coalitions/<slug>/assemblies/new", methods=["GET", "POST"])
@_coalition_organiser
def new(coalition: Coalition) -> str | Response:
    """Plan an assembly; it stays a draft, seen only by its organisers, until it is published."""
    form = AssemblyForm()
    form.hosts.choices = [SelectChoice(i, name) for i, name in services.host_choices(coalition)]
    if form.validate_on_submit():
        if db.session.scalar(select(Assembly.id).where(Assembly.slug == form.slug.data)) is not None:
            form.slug.errors.append(_("Another assembly has this address already"))
        else:
            assembly = services.create_assembly(
                coalition.id, by=current_user, hosts=form.hosts.data or [], **form.fields_for_service()
            )
            _grant_creator(assembly)
            db.session.commit()
            flash(_("Draft saved. Check the page, then publish it to open registration."), "success")
            _flash_notes(form)
            return redirect(url_for(".public", slug=assembly.slug))
    return render_template("assemblies/assembly_form.html", coalition=coalition, form=form)


@bp.route("/assemblies/<slug>/edit", methods=["GET", "POST"])
@authorise(Assembly, "can_manage")
def edit(assembly: Assembly) -> str | Response:
    """Change an assembly's details; more places are given to the waitlist at once."""
    form = AssemblyForm.for_editing(assembly)
    form.hosts.choices = [SelectChoice(i, name) for i, name in services.host_choices(assembly.coalition)]
    if form.validate_on_submit():
        try:
            promoted = services.update_assembly(
                assembly, by=current_user, hosts=form.hosts.data or [], **form.fields_for_service()
            )
        except services.CapacityTooSmall as error:
            db.session.rollback()
            form.capacity.errors.append(
                ngettext(
                    "%(num)s person has a place already: give at least that many places",
                    "%(num)s people have a place already: give at least that many places",
                    error.taken,
                )
            )
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            _flash_notes(form)
            if promoted:
                flash(
                    ngettext(
                        "%(num)s person on the waitlist got a place and an e-mail.",
                        "%(num)s people on the waitlist got a place and an e-mail.",
                        len(promoted),
                    ),
                    "success",
                )
            return redirect(url_for(".public", slug=assembly.slug))
    return render_template(
        "assemblies/assembly_form.html", coalition=assembly.coalition, form=form, assembly=assembly
    )


def _flash_notes(form: AssemblyForm) -> None:
    for note in form.notes():
        flash(note, "info")


@bp.route("/assemblies/<slug>/agenda", methods=["GET", "POST"])
@authorise(Assembly, "can_manage")
def agenda(assembly: Assembly) -> str | Response:
    """The programme, shown on the public page: add parts, remove them."""
    form = AgendaItemForm(data={"starts": assembly.local(assembly.starts_at).replace(tzinfo=None)})
    form.zone_name = assembly.timezone
    if form.validate_on_submit():
        try:
            services.add_agenda_item(
                assembly,
                starts_at=form.starts_at,
                title=form.title.data.strip(),
                description=(form.description.data or "").strip(),
                by=current_user,
            )
        except services.OutsideTheAssembly:
            db.session.rollback()
            form.starts.errors.append(_("Choose a time between the start and the end of the assembly"))
        else:
            db.session.commit()
            flash(_("Added to the programme."), "success")
            return redirect(url_for(".agenda", slug=assembly.slug))
    return render_template("assemblies/agenda.html", assembly=assembly, form=form, button_form=ConfirmForm())


@bp.post("/assemblies/<slug>/agenda/<int:item_id>/remove")
@authorise(Assembly, "can_manage")
def remove_agenda_item(assembly: Assembly, item_id: int) -> Response:
    """Take a part out of the programme."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.assembly_id != assembly.id:
        abort(404)
    return button_action(
        lambda: services.remove_agenda_item(item, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("Removed from the programme."),
        back=url_for(".agenda", slug=assembly.slug),
    )


def _grant_creator(assembly: Assembly) -> None:
    """An assembly organiser who is not a coordinator organises what they create."""
    from organiser.core.models import Role
    from organiser.core.services import grant_role

    if not assembly.coalition.can_manage(current_user):
        grant_role(current_user, Role.ASSEMBLY_ORGANISER, assembly.id)


@bp.post("/assemblies/<slug>/publish")
@authorise(Assembly, "can_manage")
def publish(assembly: Assembly) -> Response:
    """Publish a draft: its page becomes public and registration opens (within its window)."""
    return button_action(
        lambda: services.publish(assembly, by=current_user),
        refused=services.AssemblyStateError,
        refused_message=_("Only a draft can be published."),
        done_message=_("The assembly is published."),
        back=url_for(".public", slug=assembly.slug),
    )


@bp.post("/assemblies/<slug>/cancel")
@authorise(Assembly, "can_manage")
def cancel(assembly: Assembly) -> Response:
    """Cancel a published assembly; everyone with a place or on the waitlist is told."""
    return button_action(
        lambda: services.cancel_assembly(assembly, by=current_user),
        refused=services.AssemblyStateError,
        refused_message=_("Only a published assembly can be cancelled."),
        done_message=_("The assembly is cancelled and its registrants are being told."),
        back=url_for(".public", slug=assembly.slug),
    )


@bp.route("/assemblies/<slug>/registrations", methods=["GET", "POST"])
@authorise(Assembly, "can_manage")
def registrations(assembly: Assembly) -> str | Response:
    """Who registered: the figures, the list with access needs, and check-in by code."""
    form = CheckInForm()
    if form.validate_on_submit():
        try:
            registration = services.check_in_by_code(assembly, form.code.data, by=current_user)
        except services.CheckInError as error:
            db.session.rollback()
            form.code.errors.append(_check_in_refusal(error.reason))
        else:
            db.session.commit()
            flash(_("%(name)s is checked in.", name=registration.name), "success")
            return redirect(url_for(".registrations", slug=assembly.slug))
    everyone = services.registrations_of(assembly)
    waitlist = [r for r in everyone if r.status == RegistrationStatus.WAITLISTED]
    return render_template(
        "assemblies/registrations.html",
        assembly=assembly,
        form=form,
        button_form=ConfirmForm(),
        figures=services.counts(assembly),
        registrations=everyone,
        positions={r.id: position for position, r in enumerate(waitlist, start=1)},
    )


def _check_in_refusal(reason: str) -> str:
    return {
        "unknown": _("No registration for this assembly has this code"),
        "already": _("This person is checked in already"),
        "waitlisted": _("This person is on the waitlist: they have no place yet"),
    }.get(reason, _("This registration is not confirmed"))


def _registration_of(assembly: Assembly, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.assembly_id != assembly.id:
        abort(404)
    return registration


@bp.post("/assemblies/<slug>/registrations/<int:registration_id>/check-in")
@authorise(Assembly, "can_manage")
def check_in(assembly: Assembly, registration_id: int) -> Response:
    """Check someone in from the list."""
    registration = _registration_of(assembly, registration_id)
    refusal: list[str] = []

    def act() -> None:
        try:
            services.check_in(registration, by=current_user)
        except services.CheckInError as error:
            refusal.append(_check_in_refusal(error.reason))
            raise

    return button_action(
        act,
        refused=services.CheckInError,
        refused_message=lambda: refusal[0],
        done_message=lambda: _("%(name)s is checked in.", name=registration.name),
        back=url_for(".registrations", slug=assembly.slug),
    )


@bp.post("/assemblies/<slug>/registrations/<int:registration_id>/cancel")
@authorise(Assembly, "can_manage")
def cancel_registration(assembly: Assembly, registration_id: int) -> Response:
    """Cancel a registration on the person's request; the next on the waitlist is promoted."""
    registration = _registration_of(assembly, registration_id)
    return button_action(
        lambda: services.cancel_registration(registration, by=current_user),
        refused=services.RegistrationStateError,
        refused_message=_("This registration cannot be cancelled."),
        done_message=lambda: _("The registration of %(name)s is cancelled.", name=registration.name),
        back=url_for(".registrations", slug=assembly.slug),
    )


@bp.get("/assemblies/<slug>/registrations.csv")
@authorise(Assembly, "can_manage")
def export(assembly: Assembly) -> Response:
    """Every registration, for the organisers (logged; cells that look like formulas made inert)."""
    return logged_csv_download(
        services.export_registrations(assembly, by=current_user),
        f"{assembly.slug}-registrations.csv",
        what=_("Registrations for “%(title)s”", title=assembly.title),
        by=current_user,
        coalition_id=assembly.coalition_id,
    )
