"""The desk's figures as the page shows them: words for each series, labels for days and weeks, the
SVG charts (``organiser.web.charts``, each described by its ``<title>`` and ``<desc>``) and the rows
of the tables beside them, which say the same in figures."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel import numbers as babel_numbers
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from organiser.desk.board import ACTION_SERIES, SERIES, Board, Unit
from organiser.web.cards import ASSEMBLY, LETTERS, PETITION
from organiser.web.charts import bar_chart, line_chart

SERIES_NAMES = {
    "people": _l("New supporters"),
    "signatures": _l("Signatures"),
    "letters": _l("Letters"),
    "registrations": _l("Registrations"),
    "mail": _l("Mail sent"),
}
KIND_NAMES = {PETITION: _l("Petition"), LETTERS: _l("Letter campaign"), ASSEMBLY: _l("Assembly")}
PEOPLE_SERIES = ("people", *ACTION_SERIES)  # drawn together; mail, much larger, on its own


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: Markup


def unit_name(board: Board, unit: Unit) -> str:
    """A column's heading: all of the alliance, its own actions, or a chapter."""
    if unit.coalition is None:
        return _("All of %(name)s", name=unit.name)
    if unit.coalition.id == board.coalition.id and board.chapters:
        return _("%(name)s's own actions", name=unit.name)
    return unit.name


def numbers() -> Callable[[int | None], str]:
    """How this page writes a figure in the reader's language ("1,234"; "—" for one not counted). A
    page shows hundreds, mostly the same few: each is formatted once, and the language looked up once
    (each Babel call through Flask-Babel costs tens of microseconds)."""
    locale = str(get_locale() or "en")

    def number(n: int | None) -> str:
        return "—" if n is None else _number(locale, n)

    return number


@functools.lru_cache(maxsize=4096)
def _number(locale: str, n: int) -> str:
    return babel_numbers.format_decimal(n, locale=locale)


def series_name(series: str) -> str:
    return str(SERIES_NAMES[series])


def kind_name(kind: str) -> str:
    return str(KIND_NAMES[kind])


def change(this: int, before: int) -> str:
    """ "+12 (+40 %)", "−3 (−10 %)", "+5 (new)" or "0"."""
    difference = this - before
    if difference == 0:
        return "0"
    sign = "+" if difference > 0 else "−"
    amount = f"{sign}{format_decimal(abs(difference))}"
    if before == 0:
        return _("%(amount)s (new)", amount=amount)
    return f"{amount} ({sign}{format_percent(abs(difference) / before)})"


def rate(value: float | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0%")


def labels(board: Board) -> list[str]:
    """The label of each point of the series (worked out once a page: Babel's formatting is slow)."""
    if board.labels is None:
        board.labels = [bucket_label(days) for days in board.buckets()]
    return board.labels


def bucket_label(days: list[date]) -> str:
    if len(days) == 1:
        return format_date(days[0], "d MMM")
    return f"{format_date(days[0], 'd MMM')}–{format_date(days[-1], 'd MMM')}"


def period_words(board: Board) -> str:
    period = board.period
    return _(
        "From %(first)s to %(last)s (days in %(zone)s), against the %(days)s days before.",
        first=format_date(period.first, "long"),
        last=format_date(period.last, "long"),
        zone=period.zone,
        days=period.length,
    )


def _described(board: Board, unit: Unit, series: tuple[str, ...]) -> str:
    totals = [f"{series_name(s)} {format_decimal(board.total(unit, s))}" for s in series]
    return _("In all over the period: %(totals)s.", totals="; ".join(totals))


def lines(board: Board, unit: Unit, *, chart_id: str, title: str) -> Chart:
    """The people's series of ``unit`` as lines over the period's days or weeks."""
    series = [(series_name(s), board.line(unit, s)) for s in PEOPLE_SERIES]
    description = _described(board, unit, PEOPLE_SERIES)
    svg = line_chart(labels(board), series, chart_id=chart_id, title=title, description=description)
    return Chart(chart_id, title, svg)


def mail_line(board: Board) -> Chart:
    title = _("Mail sent by the coalition's mailings")
    svg = line_chart(
        labels(board),
        [(series_name("mail"), board.line(board.main, "mail"))],
        chart_id="mail-chart",
        title=title,
        description=_described(board, board.main, ("mail",)),
    )
    return Chart("mail-chart", title, svg)


def table_rows(board: Board, unit: Unit) -> list[tuple[str, list[int]]]:
    """Each day or week with its figure of each series (the charts' text equivalent)."""
    columns = [board.line(unit, s) for s in SERIES]
    return [(label, [column[i] for column in columns]) for i, label in enumerate(labels(board))]


def _bars(rows: list[tuple[str, int]], chart_id: str, title: str, none: str) -> Chart:
    if rows:
        label, n = max(rows, key=lambda row: row[1])
        total = sum(m for _label, m in rows)
        description = _("%(total)s in all; the most, %(n)s, for %(label)s.", total=total, n=n, label=label)
    else:
        description = none
    svg = bar_chart(rows, chart_id=chart_id, title=title, description=description, empty=none)
    return Chart(chart_id, title, svg)


CHART_LABEL = 46  # characters of a bar's label that fit on a 360 px screen; the table has them whole


def short(label: str) -> str:
    return label if len(label) <= CHART_LABEL else label[: CHART_LABEL - 1].rstrip() + "…"


def top_actions(board: Board) -> Chart:
    rows = [(short(f"{kind_name(a.action.kind)}: {a.action.title}"), a.this) for a in board.top_actions()]
    none = _("No signatures, letters or registrations in this period.")
    return _bars(rows, "actions-chart", _("The most active actions"), none)


def chapters(board: Board) -> Chart:
    acted = [sum(board.total(unit, s) for s in ACTION_SERIES) for unit in board.chapters]
    rows = [(short(unit_name(board, unit)), n) for unit, n in zip(board.chapters, acted, strict=True)]
    none = _("No signatures, letters or registrations in this period.")
    return _bars(rows, "chapters-chart", _("Signatures, letters and registrations by chapter"), none)


def sources(board: Board) -> tuple[Chart, list[tuple[str, str, int]]]:
    """The chart of the top sources, and its rows: (tracking code, sponsor, signatures)."""
    direct = _("No tracking code (the petition's own page)")
    rows = [(s.code or direct, s.sponsor, s.count) for s in board.sources]
    labelled = [(short(f"{code} ({sponsor})" if sponsor else code), n) for code, sponsor, n in rows]
    none = _("No confirmed signatures in this period.")
    return _bars(labelled, "sources-chart", _("Where signatures came from"), none), rows


def sections(board: Board) -> dict[str, Any]:
    """Everything the page shows of the board, named for the template."""
    chapter_lines = [
        lines(
            board,
            unit,
            chart_id=f"unit-{index}-chart",
            title=_("%(unit)s: supporters and what they did", unit=unit_name(board, unit)),
        )
        for index, unit in enumerate(board.chapters)
    ]
    source_chart, source_rows = sources(board)
    return {
        "number": numbers(),
        "period_words": period_words(board),
        "lines": lines(board, board.main, chart_id="lines-chart", title=_("Supporters and what they did")),
        "mail_line": mail_line(board),
        "rows": table_rows(board, board.main),
        "chapter_chart": chapters(board) if board.chapters else None,
        "chapter_lines": list(zip(board.chapters, chapter_lines, strict=True)),
        "actions_chart": top_actions(board),
        "source_chart": source_chart,
        "source_rows": source_rows,
    }
