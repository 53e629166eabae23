"""The desk's counts per day, kept once a day is over.

A day's figures are final an hour after it ends (``SETTLE``: the intake has written the day's last
signatures by then): the number of signatures a petition got that day, letters, mail sent, new
supporters of the tree and of each coalition in it, and each source's. So each day of a coalition
tree is counted once, on the calendar of the zone the desk shows (``DeskDay``), by the workers'
sweep (``sweep``: yesterday, and the days the desk's longest period reaches back to) or else by the
first desk that asks for it; a desk then reads the days gone by from here and counts only the days
not yet settled, today's, a narrow range the indexes answer. Registrations are always counted afresh
(a cancelled registration stops counting, so a day's figure can change; there are few of them).

Days gone by change only when signatures are invalidated or restored: ``organiser.web.tallies``
tells the desk, which forgets the tree's days (``forget``), counted again when next asked for. An
erased person's day keeps them (counts are kept through erasure, as everywhere).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, select

from organiser.actions import figures as actions
from organiser.assemblies import figures as assemblies
from organiser.coalitions.models import Coalition
from organiser.db import db, dialect_insert, utcnow
from organiser.desk.models import DeskDay, DeskDayCounted
from organiser.messaging import figures as mail
from organiser.people import figures as people
from organiser.web.cards import LETTERS, PETITION
from organiser.web.periods import Period, today_in
from organiser.web.tallies import Action
from organiser.web.zones import country_zone

SETTLE = timedelta(hours=1)
KEPT_DAYS = 2 * 90  # the sweep keeps the longest period offered (90 days) and the one before it
SWEEP_DAYS = 14  # days counted a pass at most (about a second on a million signatures)

# (series, subject, day, tracking code, co-sponsor's id or 0, how many); subjects: a petition
# ("signatures"), a letter campaign ("letters"), a coalition ("mail", "among", "sources"), the
# tree's root ("people").
Row = tuple[str, int, date, str, int, int]


@dataclass(frozen=True)
class Tree:
    """A coalition tree (an alliance and its chapters, or a coalition alone) and its actions."""

    root: Coalition
    coalition_ids: list[int]
    actions: list[Action]

    @property
    def petitions(self) -> list[int]:
        return [a.id for a in self.actions if a.kind == PETITION]

    @property
    def campaigns(self) -> list[int]:
        return [a.id for a in self.actions if a.kind == LETTERS]


def tree_of(coalition: Coalition) -> Tree:
    root = coalition.lineage()[-1]
    ids = [root.id, *(c.id for c in root.chapters)]
    return Tree(root, ids, actions.actions_of(ids))


@dataclass
class Counts:
    """What a desk reads: every series but sources per day over the span asked for, and each
    source's total (code, co-sponsor's id or 0 → how many) in some coalitions over a period."""

    rows: list[Row]
    sources: dict[tuple[str, int], int]


def counts(
    tree: Tree, span: Period, sources: Period, coalition_ids: list[int], now: datetime | None = None
) -> Counts:
    """Every kept series' counts per day over ``span``, and the sources of ``coalition_ids``' actions
    over ``sources`` (within the span): the settled days from ``desk_days`` (counted there first if
    need be), the others counted now."""
    settled = min(span.last, settled_through(span.zone, now))
    found = Counts([], defaultdict(int))
    if span.first <= settled:
        kept = Period(span.first, settled, span.zone)
        _keep_missing(tree, kept)
        found.rows += _kept_rows(tree, kept)
        if sources.first <= settled:
            found.sources.update(
                _kept_sources(tree, Period(sources.first, settled, span.zone), coalition_ids)
            )
    if settled < span.last:
        for row in count(tree, Period(max(span.first, settled + timedelta(days=1)), span.last, span.zone)):
            series, subject, day, label, sponsor, n = row
            if series != "sources":
                found.rows.append(row)
            elif subject in coalition_ids and day >= sources.first:
                found.sources[(label, sponsor)] += n
    return found


def settled_through(zone: str, now: datetime | None = None) -> date:
    """The last day (in ``zone``) whose figures are final: it ended at least ``SETTLE`` ago."""
    return today_in(zone, (now or utcnow()) - SETTLE) - timedelta(days=1)


def count(tree: Tree, period: Period) -> list[Row]:
    """Every kept series' counts per day over ``period``, counted by the database now."""
    ids, root = tree.coalition_ids, tree.root.id
    acted = actions.actors(ids, period.start, period.end) + assemblies.actors(ids, period.start, period.end)
    rows: list[Row] = []
    for series, found in (
        ("signatures", actions.signatures_by_day(tree.petitions, period)),
        ("letters", actions.letters_by_day(tree.campaigns, period)),
        ("mail", mail.sent_by_day(ids, period)),
        ("people", people.new_in_tree(root, period)),
        ("among", people.new_among(root, acted, period)),
    ):
        rows += [(series, subject, day, "", 0, n) for subject, day, n in found]
    sources = actions.sources_by_day(tree.petitions, tree.campaigns, period)
    return rows + [("sources", c, day, code, sponsor, n) for c, day, code, sponsor, n in sources]


def _kept_rows(tree: Tree, period: Period) -> list[Row]:
    found = db.session.execute(
        select(DeskDay.series, DeskDay.subject_id, DeskDay.day, DeskDay.label, DeskDay.sponsor_id, DeskDay.n)
        .where(DeskDay.tree_id == tree.root.id, DeskDay.zone == period.zone)
        .where(DeskDay.day >= period.first, DeskDay.day <= period.last, DeskDay.series != "sources")
    )
    return [tuple(row) for row in found]  # type: ignore[misc]


def _kept_sources(tree: Tree, period: Period, coalition_ids: list[int]) -> dict[tuple[str, int], int]:
    """Each source's total over ``period``, added up by the database (there are many a day)."""
    total = func.sum(DeskDay.n)
    found = db.session.execute(
        select(DeskDay.label, DeskDay.sponsor_id, total)
        .where(DeskDay.tree_id == tree.root.id, DeskDay.zone == period.zone, DeskDay.series == "sources")
        .where(DeskDay.day >= period.first, DeskDay.day <= period.last, DeskDay.subject_id.in_(coalition_ids))
        .group_by(DeskDay.label, DeskDay.sponsor_id)
    )
    return {(label, sponsor): int(n) for label, sponsor, n in found}


def _keep_missing(tree: Tree, period: Period) -> None:
    """Count and keep the days of ``period`` not kept yet."""
    for run in _runs(_missing(tree, period)):
        _keep(tree, Period(run[0], run[-1], period.zone))


def _missing(tree: Tree, period: Period) -> list[date]:
    """The days of ``period`` not kept yet, in order."""
    counted = set(
        db.session.scalars(
            select(DeskDayCounted.day).where(
                DeskDayCounted.tree_id == tree.root.id,
                DeskDayCounted.zone == period.zone,
                DeskDayCounted.day >= period.first,
                DeskDayCounted.day <= period.last,
            )
        )
    )
    return [day for day in period.days() if day not in counted]


def _runs(days: list[date]) -> Iterator[list[date]]:
    """The days in runs of consecutive ones."""
    for _key, run in itertools.groupby(enumerate(days), key=lambda item: item[1].toordinal() - item[0]):
        yield [day for _i, day in run]


def _keep(tree: Tree, period: Period) -> None:
    """Count the days of ``period`` and keep them: the days are claimed first (a desk and the sweep
    counting the same day at once: the second waits for the first, then leaves it), and committed."""
    claim = dialect_insert(DeskDayCounted).values(
        [{"tree_id": tree.root.id, "zone": period.zone, "day": day} for day in period.days()]
    )
    claimed = set(db.session.scalars(claim.on_conflict_do_nothing().returning(DeskDayCounted.day)))
    rows = [
        {"tree_id": tree.root.id, "zone": period.zone, "series": series, "subject_id": subject}
        | {"day": day, "label": label, "sponsor_id": sponsor, "n": n}
        for series, subject, day, label, sponsor, n in (count(tree, period) if claimed else [])
        if day in claimed
    ]
    if rows:  # the days are claimed: no one else writes them (an executemany, batched by the driver)
        db.session.execute(insert(DeskDay), rows)
    db.session.commit()


def forget(coalition_id: int) -> None:
    """Forget the kept days of the tree ``coalition_id`` belongs to (its past figures changed)."""
    coalition = db.session.get(Coalition, coalition_id)
    if coalition is None:
        return
    root_id = coalition.lineage()[-1].id
    db.session.execute(delete(DeskDay).where(DeskDay.tree_id == root_id))
    db.session.execute(delete(DeskDayCounted).where(DeskDayCounted.tree_id == root_id))


def zones_of(root: Coalition) -> set[str]:
    """The zones the desks of a tree show by default: each coalition's country's."""
    return {country_zone(c.country) for c in (root, *root.chapters)}


def sweep(now: datetime | None = None) -> None:
    """Count and keep the settled days the desk's periods reach back to, for every tree, newest
    first and at most ``SWEEP_DAYS`` a pass (the sweep runs between jobs: a long one would hold up
    the mail); each pass after the first ones finds only the day that has just settled, or none."""
    budget = SWEEP_DAYS
    roots = db.session.scalars(select(Coalition).where(Coalition.parent_id.is_(None))).all()
    for root in roots:
        tree = tree_of(root)
        for zone in sorted(zones_of(root)):
            last = settled_through(zone, now)
            wanted = Period(last - timedelta(days=KEPT_DAYS - 1), last, zone)
            missing = _missing(tree, wanted)[-budget:] if budget > 0 else []
            for run in _runs(missing):
                _keep(tree, Period(run[0], run[-1], zone))
            budget -= len(missing)
