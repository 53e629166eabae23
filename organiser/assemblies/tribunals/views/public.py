"""A tribunal for the public: the testimony form (no session, so no CSRF token: double opt-in, rate
limits and a honeypot guard it), its confirmation (GET shows a button, POST confirms), and the
witness's own page, reached by the link in their e-mails: their testimony and where it stands, the
change the organisers asked for, and withdrawing it."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from organiser.assemblies.models import Assembly, AssemblyStatus
from organiser.assemblies.tribunals import services
from organiser.assemblies.tribunals.forms import TestimonyForm, WitnessEditForm
from organiser.assemblies.tribunals.models import Testimony, TestimonyStatus
from organiser.assemblies.tribunals.views.common import private, tribunal_or_404, uploaded_files
from organiser.db import db
from organiser.extensions import csrf
from organiser.web import limits
from organiser.web.microcache import public_page
from organiser.web.permissions import public_or_404
from organiser.web.public_actions import confirmation_page, is_bot


def _public_tribunal(slug: str) -> Assembly:
    return public_or_404(tribunal_or_404(slug))


def _open(assembly: Assembly) -> bool:
    """Testimonies are taken while the tribunal is published and its judgment is not."""
    return assembly.status == AssemblyStatus.PUBLISHED and not services.is_published(assembly)


def _testify_page(assembly: Assembly, form: TestimonyForm, status: int = 200) -> Response:
    body = render_template(
        "assemblies/tribunals/testify.html", assembly=assembly, form=form, is_open=_open(assembly)
    )
    return Response(body, status, mimetype="text/html")


@csrf.exempt
def testify(slug: str) -> Response:
    """The testimony form; sent, a pending testimony and an e-mail with the link that confirms it."""
    assembly = _public_tribunal(slug)
    form = TestimonyForm()
    form.set_charges(services.charges_of(assembly))
    if request.method == "GET":
        return public_page(_testify_page(assembly, form))
    if limits.over_public_limit(ip := request.remote_addr or "") or limits.over_action_limit(
        f"tribunal-{assembly.id}", ip
    ):
        abort(429)
    if not _open(assembly):
        return _testify_page(assembly, form, 409)
    if not form.validate():
        return _testify_page(assembly, form)
    files = uploaded_files(form.attachments)
    if files is None:
        return _testify_page(assembly, form)
    if not is_bot(form):  # the honeypot: a bot is answered as a person is, and nothing is kept
        services.submit_testimony(
            assembly, form.testimony_fields(), files, name=form.name.data, email=form.email.data, ip=ip
        )
        db.session.commit()
    body = render_template("assemblies/tribunals/check_email.html", assembly=assembly, email=form.email.data)
    return private(body)


def _bad_link(assembly: Assembly, status: int = 404) -> Response:
    return private(render_template("assemblies/tribunals/bad_link.html", assembly=assembly), status)


@csrf.exempt
def confirm(slug: str, token: str) -> Response:
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms, once."""
    assembly = _public_tribunal(slug)
    testimony = services.testimony_for_confirmation(token)

    def confirmed() -> Response:
        services.confirm_testimony(testimony)
        db.session.commit()
        return redirect(url_for(".testimony_page", slug=assembly.slug, token=services.page_token(testimony)))

    return confirmation_page(
        testimony is not None and testimony.assembly_id == assembly.id,
        bad_link=lambda: _bad_link(assembly),
        show=lambda: private(render_template("assemblies/tribunals/confirm.html", assembly=assembly)),
        confirm=confirmed,
    )


def _own(slug: str, token: str) -> tuple[Assembly, Testimony] | Response:
    assembly = _public_tribunal(slug)
    testimony = services.testimony_for_page(token)
    if testimony is None or testimony.assembly_id != assembly.id:
        return _bad_link(assembly)
    return assembly, testimony


def _own_page(assembly: Assembly, testimony: Testimony, notice: str = "") -> Response:
    body = render_template(
        "assemblies/tribunals/testimony.html",
        assembly=assembly,
        testimony=testimony,
        token=services.page_token(testimony),
        notice=notice,
    )
    return private(body)


def testimony_page(slug: str, token: str) -> Response:
    """The witness's own page: their testimony, where it stands, and what they may do with it."""
    found = _own(slug, token)
    return found if isinstance(found, Response) else _own_page(*found)


@csrf.exempt  # the link itself is the secret, and the page has no session for a token
def edit(slug: str, token: str) -> Response:
    """The witness changes their testimony as the organisers asked, and sends it back to them."""
    found = _own(slug, token)
    if isinstance(found, Response):
        return found
    assembly, testimony = found
    if testimony.status != TestimonyStatus.CHANGES_REQUESTED:
        return _own_page(assembly, testimony)
    form = WitnessEditForm(obj=None if request.method == "POST" else testimony)
    form.set_charges(services.charges_of(assembly))
    if request.method == "GET":
        form.charge.data = str(testimony.charge_id or "")
    elif form.validate():
        services.edit_by_witness(testimony, form.testimony_fields())
        db.session.commit()
        return _own_page(assembly, testimony, _("Thank you. The organisers will read your testimony again."))
    body = render_template(
        "assemblies/tribunals/witness_edit.html",
        assembly=assembly,
        testimony=testimony,
        form=form,
        token=services.page_token(testimony),
    )
    return private(body)


@csrf.exempt  # the link itself is the secret, and the page has no session for a token
def withdraw(slug: str, token: str) -> Response:
    """The witness withdraws their testimony: it is no longer public, nor before the panel."""
    found = _own(slug, token)
    if isinstance(found, Response):
        return found
    assembly, testimony = found
    try:
        services.withdraw(testimony)
    except services.TestimonyStateError:
        db.session.rollback()
        return _own_page(assembly, testimony)
    db.session.commit()
    return _own_page(assembly, testimony, _("Your testimony is withdrawn. Nobody else sees it any more."))
