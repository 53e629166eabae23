"""The coordinators' import of supporters from CSV: upload (and the log of past imports) → the
columns mapped, with the first rows and every row's problems (nothing written) → the consent stated
for everyone in the file → the import, with its progress and, once done, what it did."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.coalitions.forms import IMPORT_STATUS_LABELS, PeopleConsentForm, PeopleImportForm, columns_form
from organiser.coalitions.imports.people import FIELD_LABELS
from organiser.coalitions.imports.reader import ImportFileError
from organiser.coalitions.models import Coalition, ImportStatus, SupporterImport
from organiser.coalitions.services import people_import
from organiser.db import db
from organiser.web.permissions import authorise


def _staff_page(template: str, **context: object) -> Response:
    """A coordinator's page: people's addresses and names, kept by no cache."""
    response = make_response(render_template(template, import_status_labels=IMPORT_STATUS_LABELS, **context))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _import_of(coalition: Coalition, import_id: int) -> SupporterImport:
    imp = db.session.get(SupporterImport, import_id)
    if imp is None or imp.coalition_id != coalition.id:
        abort(404)
    return imp


def _url(endpoint: str, imp: SupporterImport) -> str:
    return url_for(endpoint, slug=imp.coalition.slug, import_id=imp.id)


@authorise(Coalition, "can_manage")
def import_people(coalition: Coalition) -> Response:
    """Upload a CSV of supporters; below, every import made so far, with what it did."""
    form = PeopleImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            imp = people_import.upload(coalition, upload.read(), upload.filename or "", by=current_user)
        except ImportFileError as exc:
            form.file.errors.append(str(exc))
        else:
            db.session.commit()
            return redirect(_url("coalitions.people_import_columns", imp))
    return _staff_page(
        "coalitions/people_import.html",
        coalition=coalition,
        form=form,
        imports=people_import.imports_of(coalition),
    )


@authorise(Coalition, "can_manage")
def people_import_columns(coalition: Coalition, import_id: int) -> Response:
    """Say which column holds what; see the first rows, and every row's problems, before anything
    is written."""
    imp = _import_of(coalition, import_id)
    if imp.status != ImportStatus.DRAFT:
        return redirect(_url("coalitions.people_import", imp))
    preview = people_import.preview(imp)
    form = columns_form(preview.header.named, imp.columns)
    if form.validate_on_submit():
        people_import.set_columns(imp, form.mapping())
        db.session.commit()
        flash(_("Columns saved: the rows below are checked with them."), "success")
        return redirect(_url("coalitions.people_import_columns", imp))
    return _staff_page(
        "coalitions/people_import_columns.html",
        coalition=coalition,
        imp=imp,
        form=form,
        preview=preview,
        ready=people_import.ready(imp),
        labels=FIELD_LABELS,
    )


@authorise(Coalition, "can_manage")
def people_import_consent(coalition: Coalition, import_id: int) -> Response:
    """State what everyone in the file agreed to (or that they did not), then import them."""
    imp = _import_of(coalition, import_id)
    if imp.status != ImportStatus.DRAFT:
        flash(_("This import has started already: nothing was changed."), "error")
        return redirect(_url("coalitions.people_import", imp))
    if not people_import.ready(imp):
        flash(_("First say which column holds the e-mail addresses, and check the rows."), "error")
        return redirect(_url("coalitions.people_import_columns", imp))
    form = PeopleConsentForm()
    form.set_choices(coalition.name)
    if form.validate_on_submit():
        if not people_import.start(imp, _stated(form), by=current_user):
            flash(_("This import has started already: nothing was changed."), "error")
        db.session.commit()
        return redirect(_url("coalitions.people_import", imp))
    return _staff_page("coalitions/people_import_consent.html", coalition=coalition, imp=imp, form=form)


def _stated(form: PeopleConsentForm) -> people_import.StatedConsent:
    if form.stated_consent.data != "given":
        return people_import.StatedConsent(given=False)
    return people_import.StatedConsent(
        given=True, wording=form.wording.data, source=form.agreed_where.data, agreed_on=form.agreed_on.data
    )


@authorise(Coalition, "can_manage")
def import_result(coalition: Coalition, import_id: int) -> Response:
    """An import's progress while it runs, then what it did. While it runs the page refreshes itself
    (no script needed), unless the reader stops it (``?refresh=off``: a page that changes under a
    screen reader, or faster than someone reads, must be possible to stop)."""
    imp = _import_of(coalition, import_id)
    if imp.status == ImportStatus.DRAFT:
        return redirect(_url("coalitions.people_import_columns", imp))
    running = imp.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    still = request.args.get("refresh") == "off"
    return _staff_page(
        "coalitions/people_import_progress.html", coalition=coalition, imp=imp, refresh=running, still=still
    )
