"""A coalition's figures over a period, put together from what each package counts (its ``figures``
module): new supporters, confirmed signatures, letters and registrations, and mail sent, per day and
per coalition, for this period and the one of the same length before it; each action's figures; the
top sources of signatures; how recent mailings fared.

The database counts (one query per kind of figure, grouped by action or coalition and day); this
module only adds up those counts, a few hundred numbers at most, into what the desk shows.

An alliance's desk has a column ("unit") for the whole alliance, one for its own actions and one per
chapter; any other coalition's has one. The whole tree's new supporters are the people created in it
(``people.figures.new_in_tree``); a chapter's, or the alliance's own, are those of them who acted
there in the period (``new_among``), so the columns need not add up to the whole."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from organiser.actions import figures as actions
from organiser.assemblies import figures as assemblies
from organiser.coalitions.models import Coalition
from organiser.messaging import figures as mail
from organiser.people import figures as people
from organiser.web.cards import ASSEMBLY, LETTERS, PETITION
from organiser.web.periods import Period, week_of
from organiser.web.tallies import Action, DayCount

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
    before it (the day None, as the figures modules answer)."""

    days: dict[str, dict[date, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    before: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    not_before: set[str] = field(default_factory=set)  # series not counted over the period before

    def add(self, series: str, day: date | None, n: int) -> None:
        if day is None:
            self.before[series] += n
        else:
            self.days[series][day] += n

    def total(self, series: str) -> int:
        return sum(self.days[series].values())

    def total_before(self, series: str) -> int | None:
        return None if series in self.not_before else self.before[series]


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

    def total_before(self, unit: Unit, series: str) -> int | None:
        """A unit's figure over the period before (None if not counted: see ``_tallies``)."""
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
    tree = [coalition, *coalition.chapters]
    ids = [c.id for c in tree]
    known = {(a.kind, a.id): a for a in actions.actions_of(ids) + assemblies.assemblies_of(ids)}
    per_coalition: dict[int, Tally] = defaultdict(Tally)
    per_action: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for kind, rows in _action_counts(known.values(), period):
        for action_id, day, n in rows:
            action = known[(kind, action_id)]
            per_coalition[action.coalition_id].add(COUNTED_AS[kind], day, n)
            per_action[(kind, action_id)][0 if day is not None else 1] += n
    for coalition_id, day, n in mail.sent_by_day(ids, period):
        per_coalition[coalition_id].add("mail", day, n)
    units = units_of(coalition)
    tallies = _tallies(coalition, units, per_coalition, period)
    names = {c.id: c.name for c in tree}
    figures = [
        ActionFigures(known[key], names[known[key].coalition_id], this, before)
        for key, (this, before) in per_action.items()
    ]
    petitions = [a.id for a in known.values() if a.kind == PETITION]
    return Board(
        coalition=coalition,
        period=period,
        by=by,
        units=units,
        tallies=tallies,
        actions=figures,
        sources=actions.sources(petitions, period, TOP_SOURCES),
        mailings=mail.recent_mailings(ids, MAILINGS),
        names=names,
    )


def _action_counts(known: Iterable[Action], period: Period) -> list[tuple[str, list[DayCount]]]:
    ids: dict[str, list[int]] = defaultdict(list)
    for action in known:
        ids[action.kind].append(action.id)
    return [
        (PETITION, actions.signatures_by_day(ids[PETITION], period)),
        (LETTERS, actions.letters_by_day(ids[LETTERS], period)),
        (ASSEMBLY, assemblies.registrations_by_day(ids[ASSEMBLY], period)),
    ]


def _tallies(
    coalition: Coalition, units: list[Unit], per_coalition: dict[int, Tally], period: Period
) -> dict[str, Tally]:
    """Each unit's tally: its coalitions' counts, and its new supporters."""
    new, uncompared = _new_supporters(coalition, units, period)
    tallies = {}
    for unit in units:
        tally = Tally()
        for coalition_id in list(per_coalition) if unit.coalition is None else [unit.coalition.id]:
            counted = per_coalition[coalition_id]
            for series, days in counted.days.items():
                for day, n in days.items():
                    tally.add(series, day, n)
            for series, n in counted.before.items():
                tally.add(series, None, n)
        for _id, day, n in new[unit.key]:
            tally.add("people", day, n)
        if unit.key in uncompared:
            tally.not_before.add("people")
        tallies[unit.key] = tally
    return tallies


def _new_supporters(
    coalition: Coalition, units: list[Unit], period: Period
) -> tuple[dict[str, list[DayCount]], set[str]]:
    """Each unit's new supporters per day (and over the period before), and the units whose new
    supporters were not counted over the period before.

    The whole tree's (an alliance's first column, or a coalition with neither an alliance above nor
    chapters) are the people created in it. A chapter's (or an alliance's own actions') are those of
    them who acted there: a chapter's desk compares them with the period before; an alliance's desk
    counts its chapters' over the period only (the query that finds them is the desk's dearest)."""
    tree_id = coalition.lineage()[-1].id
    alone = coalition.parent_id is None and len(units) == 1
    whole = [u for u in units if u.coalition is None or alone]
    own = [u for u in units if u not in whole]
    compared = len(units) == 1
    found: dict[str, list[DayCount]] = defaultdict(list)
    if whole:
        found[whole[0].key] = people.new_in_tree(tree_id, period)
    key_of = {u.coalition.id: u.key for u in own if u.coalition is not None}
    for row in _new_among(tree_id, list(key_of), period, before=compared):
        found[key_of[row[0]]].append(row)
    return found, set() if compared else set(key_of.values())


def _new_among(tree_id: int, coalition_ids: list[int], period: Period, *, before: bool) -> list[DayCount]:
    if not coalition_ids:
        return []
    since = period.before().start if before else period.start
    queries = actions.actors(coalition_ids, since, period.end)
    queries += assemblies.actors(coalition_ids, since, period.end)
    return people.new_among(tree_id, queries, period, before=before)
