"""Where a petition's support comes from, as the public sees it: its counted signatures by area, from
the tally the count job keeps (``placing``), and the JSON behind it.

What is published, and why: like the UK Parliament's petitions site, which gives the count of every
constituency even when it is 1, every area of the coalition's lookup table and every postcode
district is shown with its count. A region typed freely is another matter: it may be anything a
signer wrote, so it is shown only once at least ``MIN_TYPED`` signers gave it (case and spacing
aside); fewer are counted under "other". A coalition marked sensitive shows no area with fewer than
``MIN_TYPED`` signers. Names, addresses and postcodes are never published: only areas and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from organiser.actions.petitions.models import Petition
from organiser.actions.petitions.support.models import AreaKind, PetitionArea
from organiser.db import db

MIN_TYPED = 3


@dataclass(frozen=True)
class AreaCount:
    code: str  # the lookup table's area code or the postcode district; "" for a region as typed
    name: str
    count: int
    share: float  # of the petition's signatures, 0 to 1


@dataclass(frozen=True)
class Support:
    total: int  # the petition's confirmed signatures
    areas: list[AreaCount]  # most signatures first, then by name
    other: int  # not in a published area: no region, one the lookup table does not know, too few

    @property
    def placed(self) -> int:
        return sum(a.count for a in self.areas)


def _minimum(kind: AreaKind, sensitive: bool) -> int:
    return MIN_TYPED if kind == AreaKind.PLACE or sensitive else 1


def support_of(petition: Petition) -> Support:
    """The petition's published areas and their counts."""
    rows = db.session.scalars(
        select(PetitionArea).where(
            PetitionArea.petition_id == petition.id,
            PetitionArea.signatures > 0,
            PetitionArea.kind != AreaKind.NONE,
        )
    ).all()
    sensitive = bool(rows) and any(c.sensitive for c in petition.coalition.lineage())
    shown = [r for r in rows if r.signatures >= _minimum(r.kind, sensitive)]
    placed = sum(r.signatures for r in shown)
    total = max(petition.signature_count, placed)
    areas = [
        AreaCount("" if r.kind == AreaKind.PLACE else r.area, r.name, r.signatures, r.signatures / total)
        for r in shown
    ]
    areas.sort(key=lambda a: (-a.count, a.name.casefold(), a.code))
    return Support(petition.signature_count, areas, max(0, petition.signature_count - placed))


def as_json(petition: Petition, support: Support) -> dict[str, Any]:
    """``/petitions/<slug>/support.json``: areas and counts, nothing about any person."""
    return {
        "petition": petition.slug,
        "signature_count": petition.signature_count,
        "by_area": [{"code": a.code, "name": a.name, "count": a.count} for a in support.areas],
        "other": support.other,
    }
