"""Areas and their decision-makers: what a writer's postcode (or other key) finds in the coalition's
lookup table, the areas that have decision-makers, and who those decision-makers are.

A decision-maker is in an area when their ``area_code`` is the area's code; one without an area code
is in the area whose name is their region (ignoring case and spaces), so a coalition that named its
decision-makers' constituencies before it had a lookup table keeps working."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select

from organiser.actions.targets.lookup.models import AreaKey
from organiser.actions.targets.lookup.postcodes import candidates
from organiser.actions.targets.models import Target
from organiser.db import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Area:
    code: str  # "" for an area known only by its name (a decision-maker's region)
    name: str

    @property
    def choice(self) -> str:
        """Its value in the list a writer picks from."""
        return self.code or self.name


def area_code(text: str) -> str:
    """An area code as stored (on a lookup row and on a decision-maker): trimmed, upper case."""
    return " ".join(text.split()).upper()


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def has_table(coalition_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(AreaKey.coalition_id == coalition_id))))


def find_area(coalition_id: int, text: str) -> Area | None:
    """The area the text (a postcode …) is in by the coalition's table, the most specific key first
    (a full postcode, then its sector, then its district); None when the table does not know it."""
    keys = candidates(text)
    if not keys:
        return None
    rows = {
        row.key: row
        for row in db.session.scalars(
            select(AreaKey).where(AreaKey.coalition_id == coalition_id, AreaKey.key.in_(keys))
        )
    }
    row = next((rows[k] for k in keys if k in rows), None)
    return Area(row.area_code, row.area_name) if row else None


def areas_with_targets(coalition_id: int) -> list[Area]:
    """The areas that have at least one of the coalition's decision-makers, sorted by name: each
    area code its decision-makers carry (named as the table names it), and each region name of
    those without a code that is not already one of those areas' names."""
    names = dict(
        db.session.execute(
            select(AreaKey.area_code, AreaKey.area_name).where(AreaKey.coalition_id == coalition_id)
        ).all()
    )
    coded: dict[str, Area] = {}
    named: dict[str, Area] = {}
    for target in _targets(coalition_id):
        if target.area_code:
            name = names.get(target.area_code) or " ".join(target.region.split()) or target.area_code
            coded.setdefault(target.area_code, Area(target.area_code, name))
        elif target.region.strip():
            named.setdefault(name_key(target.region), Area("", " ".join(target.region.split())))
    taken = {name_key(a.name) for a in coded.values()}
    areas = list(coded.values()) + [a for key, a in named.items() if key not in taken]
    return sorted(areas, key=lambda a: (a.name.casefold(), a.code))


def targets_in(coalition_id: int, area: Area, among: list[Target] | None = None) -> list[Target]:
    """The coalition's decision-makers for the area, by name (``among``: the coalition's, read already)."""
    key = name_key(area.name)
    return [
        t
        for t in (_targets(coalition_id) if among is None else among)
        if (area.code and t.area_code == area.code) or (not t.area_code and key and name_key(t.region) == key)
    ]


def _targets(coalition_id: int) -> list[Target]:
    query = select(Target).where(Target.coalition_id == coalition_id).order_by(Target.name, Target.id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class TableArea:
    """One area of a lookup table, for the coordinators' page."""

    area: Area
    keys: int  # how many keys lead to it
    examples: list[str]  # a few of them
    targets: int  # how many decision-makers it has


def table_of(coalition_id: int, *, examples: int = 5) -> list[TableArea]:
    """The coalition's lookup table, one entry per area, by name."""
    keys: dict[Area, list[str]] = {}
    among = _targets(coalition_id)
    query = select(AreaKey).where(AreaKey.coalition_id == coalition_id).order_by(AreaKey.key)
    for row in db.session.scalars(query):
        keys.setdefault(Area(row.area_code, row.area_name), []).append(row.key)
    return [
        TableArea(area, len(found), found[:examples], len(targets_in(coalition_id, area, among)))
        for area, found in sorted(keys.items(), key=lambda item: (item[0].name.casefold(), item[0].code))
    ]


def clear_table(coalition_id: int, *, by: Any) -> int:
    """Empty the coalition's table (before importing a new one); returns how many rows went."""
    rows = list(db.session.scalars(select(AreaKey).where(AreaKey.coalition_id == coalition_id)))
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    log.info("area lookup table of coalition %s emptied (%s rows) by %s", coalition_id, len(rows), by.id)
    return len(rows)
