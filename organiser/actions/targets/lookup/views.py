"""The coordinators' pages of the area lookup: the table, its CSV import (checked preview, then
confirm), and emptying it before a new one."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.targets import lookup
from organiser.actions.targets.lookup import imports
from organiser.actions.targets.lookup.forms import AreaImportForm
from organiser.coalitions.forms import ConfirmImportForm
from organiser.coalitions.import_pages import ImportPages, import_page
from organiser.coalitions.models import Coalition
from organiser.web.buttons import button_action
from organiser.web.permissions import authorise

bp = Blueprint("areas", __name__)


@bp.get("/coalitions/<slug>/areas")
@authorise(Coalition, "can_manage")
def table(coalition: Coalition) -> str:
    """The lookup table, one line per area, with how many decision-makers each has."""
    return render_template(
        "actions/targets/areas.html", coalition=coalition, areas=lookup.table_of(coalition.id)
    )


@bp.route("/coalitions/<slug>/areas/import", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def import_areas(coalition: Coalition) -> str | Response:
    """Upload a CSV, see every row checked, then confirm: nothing is written before that."""
    pages = ImportPages(
        parse=lambda text: imports.parse(text, coalition.id),
        write=lambda rows: imports.import_areas(coalition.id, rows, by=current_user),
        done=lambda written, skipped: _(
            "%(written)s rows of the lookup table imported; %(skipped)s rows skipped.",
            written=written,
            skipped=skipped,
        ),
        templates=("actions/targets/areas_import.html", "actions/targets/areas_import_preview.html"),
        upload_url=url_for("areas.import_areas", slug=coalition.slug),
        after_url=url_for("areas.table", slug=coalition.slug),
    )
    return import_page(pages, AreaImportForm(), ConfirmImportForm(), coalition=coalition)


@bp.post("/coalitions/<slug>/areas/clear")
@authorise(Coalition, "can_manage")
def clear(coalition: Coalition) -> Response:
    """Empty the lookup table (decision-makers keep their area codes)."""
    removed: list[int] = []
    return button_action(
        lambda: removed.append(lookup.clear_table(coalition.id, by=current_user)),
        refused=(),
        refused_message="",
        done_message=lambda: ngettext(
            "The lookup table is empty: %(num)s row removed.",
            "The lookup table is empty: %(num)s rows removed.",
            removed[0],
        ),
        back=url_for("areas.table", slug=coalition.slug),
    )
