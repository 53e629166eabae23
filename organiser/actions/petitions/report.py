"""A petition's report for coordinators: confirmed signatures by day, by source, by region and by
country, as figures (the page draws them with ``organiser.web.charts`` and shows the tables too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select

from organiser.actions.petitions.lifecycle import today
from organiser.actions.petitions.models import VALID_STATES, Petition, Signature
from organiser.db import db
from organiser.web.charts import bar_chart, column_chart

DAYS = 30
TOP = 10  # categories shown one by one; the rest are added up as "Other"


@dataclass
class Report:
    by_day: list[tuple[date, int]]
    by_source: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_country: list[tuple[str, int]]


def _confirmed(petition: Petition) -> list[Any]:
    return [Signature.petition_id == petition.id, Signature.state.in_(VALID_STATES)]


def _day_of(column: Any) -> Any:
    """The UTC calendar day of a timestamp, on PostgreSQL (whatever the session's zone) and SQLite."""
    if db.session.connection().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def by_day(petition: Petition, now: datetime | None = None) -> list[tuple[date, int]]:
    """Each day of the last 30 (or since the petition opened, if later), oldest first, zeros included."""
    end = today(now)
    start = end - timedelta(days=DAYS - 1)
    if petition.opened_at is not None:
        start = min(max(start, petition.opened_at.date()), end)
    since = datetime.combine(start, time.min, tzinfo=UTC)
    day = _day_of(Signature.confirmed_at)
    rows = db.session.execute(
        select(day, func.count()).where(*_confirmed(petition), Signature.confirmed_at >= since).group_by(day)
    ).all()
    counts = {str(d): n for d, n in rows}
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return [(d, counts.get(d.isoformat(), 0)) for d in days]


def _counted(petition: Petition, column: Any) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(column, func.count()).where(*_confirmed(petition)).group_by(column)
    ).all()
    return sorted(((str(key or ""), n) for key, n in rows), key=lambda r: (-r[1], r[0]))


def _top(rows: list[tuple[str, int]], blank: str) -> list[tuple[str, int]]:
    named = [(label or blank, n) for label, n in rows]
    if len(named) <= TOP:
        return named
    return named[: TOP - 1] + [(_("Other"), sum(n for _label, n in named[TOP - 1 :]))]


def report(petition: Petition, now: datetime | None = None) -> Report:
    from organiser.web.templating import country_name

    countries = [(country_name(code) if code else "", n) for code, n in _counted(petition, Signature.country)]
    return Report(
        by_day=by_day(petition, now),
        by_source=_top(_counted(petition, Signature.source), _("No source (the petition's own page)")),
        by_region=_top(_counted(petition, Signature.region), _("Not given")),
        by_country=_top(countries, _("Not given")),
    )


@dataclass
class ChartSection:
    id: str
    title: str
    hint: str
    heading: str
    rows: list[tuple[str, int]]
    svg: Markup


def _described(rows: list[tuple[str, int]]) -> str:
    if not rows or not any(n for _label, n in rows):
        return _("No confirmed signatures yet.")
    label, n = max(rows, key=lambda r: r[1])
    return _(
        "%(total)s in all; the most, %(n)s, for %(label)s.", total=sum(m for _l, m in rows), n=n, label=label
    )


def chart_sections(data: Report) -> list[ChartSection]:
    """The report as charts (SVG drawn here) with the same figures for the tables beside them."""
    days = [(format_date(d, "d MMM"), n) for d, n in data.by_day]
    none = _("No confirmed signatures yet.")
    sections = [
        (
            "by-day",
            _("Signatures by day"),
            _("Confirmed each day (UTC), over the last 30 days or since opening."),
            _("Day"),
            days,
            column_chart,
        ),
        (
            "by-source",
            _("Signatures by source"),
            _("The tracking code of the link or widget signers came through."),
            _("Source"),
            data.by_source,
            bar_chart,
        ),
        (
            "by-region",
            _("Signatures by region"),
            _("The postcode or region signers gave."),
            _("Region"),
            data.by_region,
            bar_chart,
        ),
        ("by-country", _("Signatures by country"), "", _("Country"), data.by_country, bar_chart),
    ]
    return [
        ChartSection(
            ident,
            title,
            hint,
            heading,
            rows,
            draw(rows, chart_id=f"{ident}-chart", title=title, description=_described(rows), empty=none),
        )
        for ident, title, hint, heading, rows, draw in sections
    ]
