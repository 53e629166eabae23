"""What assemblies keep about a person, registered with privacy: shown on their own page, exported,
erased and expired. Erasing anonymises a registration in place (its status stays), so an assembly's
registered and attended figures stay right."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update

from organiser.assemblies.models import Assembly, Registration
from organiser.db import db
from organiser.people.models import ConsentState, Person
from organiser.privacy.registry import PersonalData

ANONYMOUS = {
    "person_id": None,
    "name": "",
    "email": "",
    "region": "",
    "language": "",
    "access_needs": "",
    "answers": {},
    "ip": "",
    "check_in_code": None,
    "consent_coalition": False,
}


def _collect(person: Person) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Registration, Assembly.title, Assembly.slug)
        .join(Assembly, Assembly.id == Registration.assembly_id)
        .where(Registration.person_id == person.id)
        .order_by(Registration.created_at)
    ).all()
    return [
        {
            "title": title,
            "assembly_slug": slug,
            "name": r.name,
            "email": r.email,
            "region": r.region,
            "country": r.country or "",
            "language": r.language,
            "access_needs": r.access_needs,
            "status": str(r.status),
            "check_in_code": r.check_in_code or "",
            "registered_at": r.created_at,
            "confirmed_at": r.confirmed_at or "",
            "ip_address": r.ip,
        }
        for r, title, slug in rows
    ]


def _erase(person: Person) -> int:
    return db.session.execute(
        update(Registration)
        .where(Registration.person_id == person.id)
        .values(**ANONYMOUS)
        .execution_options(synchronize_session=False)
    ).rowcount


def _expire(coalition: Any, cutoff: datetime) -> int:
    """Registrations for this coalition's assemblies that ended before the cutoff, of people who gave
    no ongoing consent to anyone."""
    ended_before = (
        select(Assembly.id)
        .where(Assembly.coalition_id == coalition.id, Assembly.ends_at < cutoff)
        .scalar_subquery()
    )
    consenting = exists().where(ConsentState.person_id == Registration.person_id, ConsentState.granted)
    return db.session.execute(
        update(Registration)
        .where(Registration.assembly_id.in_(ended_before), Registration.person_id.is_not(None), ~consenting)
        .values(**ANONYMOUS)
        .execution_options(synchronize_session=False)
    ).rowcount


def _minimise(cutoff: datetime) -> int:
    """IP addresses kept against abuse, once older than the anti-abuse window."""
    return db.session.execute(
        update(Registration)
        .where(Registration.created_at < cutoff, Registration.ip != "")
        .values(ip="")
        .execution_options(synchronize_session=False)
    ).rowcount


REGISTRATIONS = PersonalData(
    name="assembly_registrations",
    label=_l("Assemblies you registered for"),
    collect=_collect,
    erase=_erase,
    expire=_expire,
    minimise=_minimise,
)
