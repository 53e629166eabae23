"""Placing counted signatures in areas, and keeping each petition's tally by area.

Where, and why:

* **In the count job, not the request.** Signing costs one Redis script (the intake) and
  confirming one UPDATE of the signature's own row; finding an area costs look-ups in the lookup
  table. So the count job, which already holds the petition's lock while it adds newly confirmed
  signatures to ``signature_count``, then places them (``place_counted``): one read of the counted
  signatures without an area (a partial index holds only those), one look-up in the lookup table
  for all their regions at once, one UPDATE per area, and the tally's lines changed in the same
  short transaction. A failure there never undoes the count (a savepoint), and the workers' sweep
  places whatever is left (``sweep_areas``), in bounded batches: also the signatures counted before
  this existed.
* **How a region becomes an area.** With a lookup table (actions.targets.lookup), the area is the
  one the table finds for what the signer typed (a full postcode, its sector or district, a town),
  or none. Without one, a full UK postcode counts in its district (``LS6``), and any other region
  as typed, case and spacing aside (the first spelling seen names it), if it reads like a place
  name (letters, digits, spaces and the punctuation of place names, at most 40 characters).
* **Erased signers stay counted where they were.** Erasing a person blanks their signature's region
  (it is personal data: often a full postcode), but not its ``area``, which is coarse (a
  constituency, a province, a postcode district, a town) and holds nothing else of theirs. Each
  signature keeps its area, rather than only the tally keeping a sum, because invalidating
  signatures, and reverting that, must take out and put back exactly theirs: ``rebuild`` recounts
  the tally from the rows under the same lock as ``counting.recount``.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select, update

from organiser.actions.petitions.models import Petition, Signature, SignatureState
from organiser.actions.petitions.support.models import AreaKind, PetitionArea
from organiser.actions.targets import lookup
from organiser.actions.targets.lookup.models import AreaKey
from organiser.db import db

log = logging.getLogger(__name__)

CHUNK = 2_000  # signatures read and placed per statement
LIMIT = 20_000  # per call (a count job, a sweep's turn on one petition): the sweep places the rest
KEYS_PER_QUERY = 500  # lookup-table keys per IN (…)


@dataclass(frozen=True)
class Placed:
    key: str  # Signature.area
    kind: AreaKind
    name: str


NOWHERE = Placed("", AreaKind.NONE, "")


def _display(text: str) -> str:
    """A typed place as it is shown: a name typed all in lower (or upper) case gets capitals."""
    if text.islower() or (text.isupper() and len(text) > 3):
        return " ".join(word[:1].upper() + word[1:].lower() for word in text.split(" "))
    return text


class Placer:
    """Finds the area of each region typed on one petition (a coalition's lookup table, or the
    region itself), remembering what it found."""

    def __init__(self, coalition_id: int, tally: dict[str, PetitionArea]) -> None:
        self.coalition_id = coalition_id
        self.by_table = lookup.has_table(coalition_id)
        self.places = {
            row.area.casefold(): Placed(row.area, AreaKind.PLACE, row.name)
            for row in tally.values()
            if row.kind == AreaKind.PLACE
        }
        self.found: dict[str, Placed] = {}

    def place(self, regions: list[str]) -> list[Placed]:
        new = [r for r in dict.fromkeys(regions) if r not in self.found]
        if self.by_table:
            self._look_up(new)
        else:
            self.found.update((r, self._typed(r)) for r in new)
        return [self.found[r] for r in regions]

    def _look_up(self, regions: list[str]) -> None:
        keys = {r: lookup.candidates(r) if lookup.well_formed(r) else [] for r in regions}
        wanted = sorted({k for found in keys.values() for k in found})
        areas: dict[str, Placed] = {}
        for start in range(0, len(wanted), KEYS_PER_QUERY):
            query = select(AreaKey.key, AreaKey.area_code, AreaKey.area_name).where(
                AreaKey.coalition_id == self.coalition_id,
                AreaKey.key.in_(wanted[start : start + KEYS_PER_QUERY]),
            )
            for key, code, name in db.session.execute(query):
                areas[key] = Placed(code, AreaKind.AREA, name)
        for region, found in keys.items():
            self.found[region] = next((areas[k] for k in found if k in areas), NOWHERE)

    def _typed(self, region: str) -> Placed:
        if not lookup.well_formed(region):
            return NOWHERE
        district = lookup.district(region)
        if district:
            return Placed(district, AreaKind.DISTRICT, district)
        folded = " ".join(unicodedata.normalize("NFKC", region).split())
        placed = self.places.get(folded.casefold())
        if placed is None:
            shown = _display(folded)
            placed = self.places[folded.casefold()] = Placed(shown, AreaKind.PLACE, shown)
        return placed


def tally_of(petition_id: int) -> dict[str, PetitionArea]:
    query = select(PetitionArea).where(PetitionArea.petition_id == petition_id)
    return {row.area: row for row in db.session.scalars(query)}


def _add(tally: dict[str, PetitionArea], petition_id: int, placed: Placed, n: int) -> None:
    row = tally.get(placed.key)
    if row is None:
        row = tally[placed.key] = PetitionArea(
            petition_id=petition_id, area=placed.key, kind=placed.kind, name=placed.name, signatures=0
        )
        db.session.add(row)
    row.signatures += n


def _unplaced(petition_id: int, limit: int) -> list[tuple[int, str]]:
    query = (
        select(Signature.id, Signature.region)
        .where(
            Signature.petition_id == petition_id,
            Signature.state == SignatureState.COUNTED,
            Signature.area.is_(None),
        )
        .order_by(Signature.id)
        .limit(limit)
    )
    return [(sid, region or "") for sid, region in db.session.execute(query)]


def place_counted(petition: Petition, *, limit: int = LIMIT) -> int:
    """Place the petition's counted signatures that have no area yet (at most ``limit``) and add them
    to its tally; returns how many. The caller holds the petition's lock (``counting.lock_petition``)."""
    tally = tally_of(petition.id)
    placer = Placer(petition.coalition_id, tally)
    placed = 0
    while placed < limit:
        rows = _unplaced(petition.id, min(CHUNK, limit - placed))
        if not rows:
            break
        ids_by_area: dict[Placed, list[int]] = defaultdict(list)
        for (signature_id, _region), area in zip(rows, placer.place([r for _id, r in rows]), strict=True):
            ids_by_area[area].append(signature_id)
        for area, ids in ids_by_area.items():
            db.session.execute(
                update(Signature)
                .where(Signature.id.in_(ids))
                .values(area=area.key)
                .execution_options(synchronize_session=False)
            )
            _add(tally, petition.id, area, len(ids))
        placed += len(rows)
    db.session.flush()
    return placed


def _described(coalition_id: int, key: str) -> Placed:
    """What a stored area is, for a tally line lost or never made (``rebuild``)."""
    if not key:
        return NOWHERE
    name = db.session.scalar(
        select(AreaKey.area_name)
        .where(AreaKey.coalition_id == coalition_id, AreaKey.area_code == key)
        .limit(1)
    )
    if name is not None:
        return Placed(key, AreaKind.AREA, name)
    if lookup.district(key) == key:
        return Placed(key, AreaKind.DISTRICT, key)
    return Placed(key, AreaKind.PLACE, key)


def rebuild(petition: Petition) -> None:
    """Set the tally to the petition's counted signatures as they are placed (after an invalidation
    or its revert; ``counting.recount``). The caller holds the petition's lock."""
    place_counted(petition)
    counts = dict(
        db.session.execute(
            select(Signature.area, func.count())
            .where(
                Signature.petition_id == petition.id,
                Signature.state == SignatureState.COUNTED,
                Signature.area.is_not(None),
            )
            .group_by(Signature.area)
        ).all()
    )
    tally = tally_of(petition.id)
    for key, row in tally.items():
        row.signatures = counts.pop(key, 0)
    for key, n in counts.items():
        _add(tally, petition.id, _described(petition.coalition_id, key), n)
    db.session.flush()


def sweep_areas() -> int:
    """Place counted signatures left without an area (a failed placing, signatures counted before
    areas existed), one petition at a time under its lock; returns how many."""
    from organiser.actions.petitions.counting import lock_petition

    waiting = db.session.scalars(
        select(Signature.petition_id)
        .where(Signature.state == SignatureState.COUNTED, Signature.area.is_(None))
        .distinct()
    ).all()
    db.session.rollback()
    total = 0
    for petition_id in waiting:
        petition = lock_petition(petition_id)
        if petition is not None:
            total += place_counted(petition)
        db.session.commit()
    return total
