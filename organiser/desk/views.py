"""The desk's one page: ``/coalitions/<slug>/desk``, for whoever may manage the coalition (its
coordinators, those of the alliance above it, platform administrators). A chapter's coordinators
open their chapter's desk; the alliance's is refused them (403). The page is private (never kept by
a cache) and changes nothing: its form is a GET form."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request, url_for
from werkzeug.wrappers import Response

from organiser.coalitions.models import Coalition
from organiser.desk import sections
from organiser.desk.board import SERIES, build
from organiser.desk.forms import PERIOD_FIELDS, PeriodForm
from organiser.web.permissions import authorise

bp = Blueprint("desk", __name__)


@authorise(Coalition, "can_manage")
def desk(coalition: Coalition) -> Response:
    """A coalition's figures over a period: by day or week, by action, source, mailing and chapter."""
    countries = [c.country for c in (coalition, *coalition.chapters) if c.country]
    form = PeriodForm(coalition.country, countries)
    board, shown = None, {}
    if form.validate():
        period, by = form.chosen()
        board = build(coalition, period, by)
        shown = sections.sections(board)
        shown["unit_links"] = {unit.key: _desk_of(unit.key) for unit in board.chapters}
    body = render_template(
        "desk/desk.html",
        coalition=coalition,
        form=form,
        board=board,
        series=SERIES,
        words=sections,
        **shown,
    )
    response = make_response(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _desk_of(slug: str) -> str:
    """A chapter's desk, over the same period (only the form's own fields are carried over: url_for
    takes ``_method``, ``_scheme``… as instructions)."""
    kept = {name: value for name, value in request.args.items() if name in PERIOD_FIELDS}
    return url_for("desk.desk", slug=slug, **kept)


bp.add_url_rule("/coalitions/<slug>/desk", "desk", desk, methods=["GET"])
