"""What petitions keep about a person, registered with privacy: shown on their own page, exported,
erased and expired. Erasing anonymises a signature in place (it stays confirmed and keeps its
country and source), so the petition's count, its breakdowns and any recount stay right."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select, update

from organiser.actions.petitions.models import Petition, PetitionStatus, Signature
from organiser.db import db
from organiser.people.models import ConsentState, Person
from organiser.privacy.registry import PersonalData

ANONYMOUS = {
    "person_id": None,
    "name": "",
    "region": "",
    "comment": "",
    "public_name": False,
    "referrer": "",
    "ip": "",
    "email_domain": "",
    "utm_source": "",
    "utm_medium": "",
    "utm_campaign": "",
}


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
            "name": s.name,
            "region": s.region,
            "country": s.country or "",
            "comment": s.comment,
            "name_shown_publicly": s.public_name,
            "source": s.source,
            "signed_at": s.created_at,
            "confirmed_at": s.confirmed_at or "",
            "ip_address": s.ip,
        }
        for s, title, slug in rows
    ]


def _erase(person: Person) -> int:
    return db.session.execute(
        update(Signature)
        .where(Signature.person_id == person.id)
        .values(**ANONYMOUS)
        .execution_options(synchronize_session=False)
    ).rowcount


def _expire(coalition: Any, cutoff: datetime) -> int:
    """Signatures on this coalition's petitions that closed before the cutoff, of people who gave
    no ongoing consent to anyone."""
    closed_before = (
        select(Petition.id)
        .where(
            Petition.coalition_id == coalition.id,
            Petition.status.in_([PetitionStatus.CLOSED, PetitionStatus.DELIVERED]),
            func.coalesce(Petition.closed_at, Petition.created_at) < cutoff,
        )
        .scalar_subquery()
    )
    consenting = exists().where(ConsentState.person_id == Signature.person_id, ConsentState.granted)
    return db.session.execute(
        update(Signature)
        .where(Signature.petition_id.in_(closed_before), Signature.person_id.is_not(None), ~consenting)
        .values(**ANONYMOUS)
        .execution_options(synchronize_session=False)
    ).rowcount


def _minimise(cutoff: datetime) -> int:
    """IP addresses (and referrers) older than the anti-abuse window: on signatures, and in the
    filters coordinators invalidated by."""
    from organiser.actions.petitions.models import Invalidation

    for invalidation in db.session.scalars(select(Invalidation).where(Invalidation.created_at < cutoff)):
        if (invalidation.filters or {}).get("ip"):
            invalidation.filters = {**invalidation.filters, "ip": "(dropped)"}
    return db.session.execute(
        update(Signature)
        .where(Signature.created_at < cutoff, or_(Signature.ip != "", Signature.referrer != ""))
        .values(ip="", referrer="")
        .execution_options(synchronize_session=False)
    ).rowcount


SIGNATURES = PersonalData(
    name="signatures",
    label=_l("Petitions you signed"),
    collect=_collect,
    erase=_erase,
    expire=_expire,
    minimise=_minimise,
)
