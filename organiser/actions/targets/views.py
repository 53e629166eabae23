"""A coalition's decision-makers: the list, one added at a time, and the CSV import with its checked
preview; and the one page, used by petitions and letters alike, where coordinators record what
each decision-maker answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.targets import services as targets
from organiser.actions.targets.forms import ResponseForm, TargetForm, TargetImportForm
from organiser.actions.targets.models import Target
from organiser.coalitions.forms import ConfirmImportForm
from organiser.coalitions.import_pages import ImportPages, import_page
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.web.permissions import authorise

bp = Blueprint("targets", __name__)


@bp.route("/coalitions/<slug>/targets", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def coalition_targets(coalition: Coalition) -> str | Response:
    """The coalition's decision-makers; add one with the form."""
    form = TargetForm()
    if form.validate_on_submit():
        if targets.email_taken(coalition.id, form.email.data or ""):
            form.email.errors.append(_("A decision-maker with this address is on the list already"))
        else:
            fields = {k: form.data[k] or "" for k in targets.FIELDS}
            target = targets.add_target(coalition.id, by=current_user, **fields)
            db.session.commit()
            flash(_("%(name)s is on the list.", name=target.name), "success")
            return redirect(url_for("targets.coalition_targets", slug=coalition.slug))
    return render_template(
        "actions/targets/list.html", coalition=coalition, targets=targets.targets_of(coalition.id), form=form
    )


@bp.route("/coalitions/<slug>/targets/import", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def import_targets(coalition: Coalition) -> str | Response:
    """Upload a CSV, see every row checked, then confirm: nothing is written before that."""
    pages = ImportPages(
        parse=lambda text: targets.parse(text, coalition.id),
        write=lambda rows: targets.import_targets(coalition.id, rows, by=current_user),
        done=lambda written, skipped: _(
            "%(written)s decision-makers imported; %(skipped)s rows skipped.",
            written=written,
            skipped=skipped,
        ),
        templates=("actions/targets/import.html", "actions/targets/import_preview.html"),
        upload_url=url_for("targets.import_targets", slug=coalition.slug),
        after_url=url_for("targets.coalition_targets", slug=coalition.slug),
    )
    return import_page(pages, TargetImportForm(), ConfirmImportForm(), coalition=coalition)


# ---- responses: one page for petitions and letter campaigns ---------------------------------------------


@dataclass(frozen=True)
class ResponsesPage:
    """What the responses page of one action (a petition, a letter campaign) needs of it."""

    title: str  # the action's title, linked back to
    back: str  # its page
    here: str  # this page, to come back to after recording
    targets: list[Target]  # who may have responded
    record: Callable[[int, str, date | None], Any]  # (target id, text, date); raises ``refused``
    refused: type[Exception]
    responses: list[Any]
    done: str  # said once a response is recorded
    hint: str  # under the response's text: where it is shown
    unavailable: str = ""  # why nothing can be recorded yet, if so
    note: str = ""  # a line above the responses (when it was delivered)


def responses_page(page: ResponsesPage) -> str | Response:
    """Record what each decision-maker answered; it is shown on the action's public page."""
    form = ResponseForm()
    form.text.description = page.hint
    form.target.choices = [(0, _("Choose who responded"))] + [(t.id, t.name) for t in page.targets]
    if not page.unavailable and form.validate_on_submit():
        try:
            page.record(form.target.data, form.text.data or "", form.responded_on.data)
        except page.refused as exc:
            db.session.rollback()
            form.target.errors.append(str(exc))
        else:
            db.session.commit()
            flash(page.done, "success")
            return redirect(page.here)
    return render_template("actions/targets/responses.html", page=page, form=form)
