"""A coalition's figures over a period, put together from what each package counts (its ``figures``
module): new supporters, confirmed signatures, letters and registrations, and mail sent, per day and
per coalition, for this period and the one of the same length before it; each action's figures; the
top sources of signatures; how recent mailings fared.

The database counts (one query per kind of figure, grouped by action or coalition and day), and
the days gone by are counted once and kept (``rollup``); this module only adds up those counts, a
few thousand numbers at most, into what the desk shows.

An alliance's desk has a column ("unit") for the whole alliance, one for its own actions and one per
chapter; any other coalition's has one. The whole tree's new supporters are the people created in it
(``people.figures.new_in_tree``); a chapter's, or the alliance's own, are those of them who acted
there on the day they joined (``new_among``), so the columns need not add up to the whole."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from organiser.actions import figures as actions
from organiser.assemblies import figures as assemblies
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.desk import rollup
from organiser.messaging import figures as mail
from organiser.web.cards import ASSEMBLY, LETTERS, PETITION
from organiser.web.periods import Period, week_of
from organiser.web.tallies import Action

SERIES = ("people", "signatures", "letters", "registrations", "mail")
ACTION_SERIES = ("signatures", "letters", "registrations")  # what people did: a chapter's activity
COUNTED_AS = {PETITION: "signatures", LETTERS: "letters", ASSEMBLY: "registrations"}
ALL = "all"
TOP_ACTIONS, GROWING, TOP_SOURCES, MAILINGS = 10, 5, 10, 10


@dataclass(frozen=True)
class Unit:
    """A column of the desk: the whole tree (``ALL``), or one coalition's own actions."""

    key: str
    name: str
    coalition: Coalition | None  # None for the whole tree


@dataclass
class Tally:
    """One unit's figures: series → day → count over the period, and series → count over the one
    before it."""

    first: date  # the period's first day: days before it are the period before's
    days: dict[str, dict[date, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    before: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, series: str, day: date, n: int) -> None:
        if day < self.first:
            self.before[series] += n
        else:
            self.days[series][day] += n

    def total(self, series: str) -> int:
        return sum(self.days[series].values())

    def total_before(self, series: str) -> int:
        return self.before[series]


@dataclass(frozen=True)
class ActionFigures:
    action: Action
    coalition_name: str
    this: int  # in the period
    before: int  # in the period before it

    @property
    def change(self) -> int:
        return self.this - self.before


@dataclass
class Board:
    coalition: Coalition
    period: Period
    by: str  # "day" or "week"
    units: list[Unit]
    tallies: dict[str, Tally]
    actions: list[ActionFigures]
    sources: list[actions.Source]
    mailings: list[mail.MailingFigures]
    names: dict[int, str]  # coalition id → name
    labels: list[str] | None = None  # each point's label, once the page has worked them out

    @property
    def chapters(self) -> list[Unit]:
        """The columns an alliance's desk shows side by side (its own actions, then each chapter)."""
        return [unit for unit in self.units if unit.key != ALL] if len(self.units) > 1 else []

    @property
    def main(self) -> Unit:
        return self.units[0]

    def total(self, unit: Unit, series: str) -> int:
        """A unit's figure over the period."""
        return self.tallies[unit.key].total(series)

    def total_before(self, unit: Unit, series: str) -> int:
        """A unit's figure over the period before."""
        return self.tallies[unit.key].total_before(series)

    @functools.cached_property
    def _buckets(self) -> list[list[date]]:
        if self.by == "day":
            return [[day] for day in self.period.days()]
        weeks: dict[date, list[date]] = defaultdict(list)
        for day in self.period.days():
            weeks[week_of(day)].append(day)
        return [weeks[monday] for monday in sorted(weeks)]

    def buckets(self) -> list[list[date]]:
        """The days of each point of the series: one day each, or the period's days of each week."""
        return self._buckets

    def line(self, unit: Unit, series: str) -> list[int]:
        counts = self.tallies[unit.key].days[series]
        return [sum(counts.get(day, 0) for day in days) for days in self.buckets()]

    def top_actions(self) -> list[ActionFigures]:
        busy = [a for a in self.actions if a.this > 0]
        return sorted(busy, key=lambda a: (-a.this, a.action.title.casefold()))[:TOP_ACTIONS]

    def growing(self) -> list[ActionFigures]:
        """The actions whose figures rose most against the period before."""
        rising = [a for a in self.actions if a.change > 0]
        return sorted(rising, key=lambda a: (-a.change, -a.this, a.action.title.casefold()))[:GROWING]


def units_of(coalition: Coalition) -> list[Unit]:
    if not coalition.chapters:
        return [Unit(coalition.slug, coalition.name, coalition)]
    tree = [coalition, *coalition.chapters]
    return [Unit(ALL, coalition.name, None)] + [Unit(c.slug, c.name, c) for c in tree]


def build(coalition: Coalition, period: Period, by: str = "day") -> Board:
    """The desk's figures for ``coalition`` (and its chapters) over ``period``."""
    shown = [coalition, *coalition.chapters]
    names = {c.id: c.name for c in shown}
    tree = rollup.tree_of(coalition)
    known = {(a.kind, a.id): a for a in tree.actions if a.coalition_id in names}
    known |= {(a.kind, a.id): a for a in assemblies.assemblies_of(list(names))}
    span = Period(period.before().first, period.last, period.zone)
    counted = rollup.counts(tree, span, period, list(names))
    rows = counted.rows + [
        ("registrations", a, day, "", 0, n)
        for a, day, n in assemblies.registrations_by_day([i for k, i in known if k == ASSEMBLY], span)
    ]
    units = units_of(coalition)
    tallies = {unit.key: Tally(period.first) for unit in units}
    per_action: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    whole = coalition.parent_id is None  # its desk's first column is the whole tree
    for series, subject, day, _label, _sponsor, n in rows:
        if series in KIND_OF:
            action = known.get((KIND_OF[series], subject))
            if action is not None:
                per_action[(action.kind, action.id)][0 if day >= period.first else 1] += n
                _add(tallies, units, action.coalition_id, series, day, n)
        elif series == "mail" and subject in names:
            _add(tallies, units, subject, series, day, n)
        elif series == "people" and whole:
            tallies[units[0].key].add("people", day, n)
        elif series == "among" and subject in names and not (whole and len(units) == 1):
            _add(tallies, units, subject, "people", day, n)
    figures = [
        ActionFigures(known[key], names[known[key].coalition_id], this, before)
        for key, (this, before) in per_action.items()
    ]
    mailings = mail.recent_mailings(list(names), MAILINGS)
    db.session.commit()  # what was counted and can be kept (``rollup``, the mailings' outcomes)
    return Board(
        coalition=coalition,
        period=period,
        by=by,
        units=units,
        tallies=tallies,
        actions=figures,
        sources=actions.name_sources(counted.sources, TOP_SOURCES),
        mailings=mailings,
        names=names,
    )


KIND_OF = {series: kind for kind, series in COUNTED_AS.items()}


def _add(
    tallies: dict[str, Tally], units: list[Unit], coalition_id: int, series: str, day: date, n: int
) -> None:
    """Count ``n`` in the column of ``coalition_id``, and in the whole tree's if the desk has one (for
    a coalition's new supporters, ``among``, the whole tree's are counted as such: ``people``)."""
    for unit in units:
        if unit.coalition.id == coalition_id if unit.coalition is not None else series != "people":
            tallies[unit.key].add(series, day, n)
