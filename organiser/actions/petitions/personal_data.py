"""What petitions keep about a person, registered with privacy: shown on their own page, exported,
erased and expired. Erasing anonymises a signature in place (it stays confirmed and keeps its
country and source), so the petition's count, its breakdowns and any recount stay right."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from organiser.actions.petitions.models import Petition, PetitionStatus, Signature
from organiser.db import db
from organiser.people.models import Person
from organiser.privacy.registry import AnonymisedRows, PersonalData, personal_values


def _collect(person: Person) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Signature, Petition.title, Petition.slug)
        .join(Petition, Petition.id == Signature.petition_id)
        .where(Signature.person_id == person.id)
        .order_by(Signature.created_at)
    ).all()
    return [
        {
            "petition": title,
            "petition_slug": slug,
            **personal_values(s),
            "country": s.country or "",
            "source": s.source,
            "signed_at": s.created_at,
            "confirmed_at": s.confirmed_at or "",
        }
        for s, title, slug in rows
    ]


ROWS = AnonymisedRows(Signature, Signature.petition_id, Petition.id, abuse_columns=("ip", "referrer"))


def _expire(coalition: Any, cutoff: datetime) -> int:
    """Signatures on this coalition's petitions that closed before the cutoff, of people who gave
    no ongoing consent to anyone."""
    return ROWS.expire(
        Petition.coalition_id == coalition.id,
        Petition.status.in_([PetitionStatus.CLOSED, PetitionStatus.DELIVERED]),
        func.coalesce(Petition.closed_at, Petition.created_at) < cutoff,
    )


def _minimise(cutoff: datetime) -> int:
    """IP addresses (and referrers) older than the anti-abuse window: on signatures, and in the
    filters coordinators invalidated by."""
    from organiser.actions.petitions.models import Invalidation

    for invalidation in db.session.scalars(select(Invalidation).where(Invalidation.created_at < cutoff)):
        if (invalidation.filters or {}).get("ip"):
            invalidation.filters = {**invalidation.filters, "ip": "(dropped)"}
    return ROWS.minimise(cutoff)


SIGNATURES = PersonalData(
    name="signatures",
    label=_l("Petitions you signed"),
    collect=_collect,
    erase=ROWS.erase,
    expire=_expire,
    minimise=_minimise,
)
