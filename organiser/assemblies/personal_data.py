"""What assemblies keep about a person, registered with privacy: shown on their own page, exported,
erased and expired. Erasing anonymises a registration in place (its status stays), so an assembly's
registered and attended figures stay right."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organiser.assemblies.models import Assembly, Registration
from organiser.db import db
from organiser.people.models import Person
from organiser.privacy.registry import AnonymisedRows, PersonalData, personal_values


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
            **personal_values(r),
            "country": r.country or "",
            "status": str(r.status),
            "registered_at": r.created_at,
            "confirmed_at": r.confirmed_at or "",
        }
        for r, title, slug in rows
    ]


ROWS = AnonymisedRows(Registration, Registration.assembly_id, Assembly.id)


def _expire(coalition: Any, cutoff: datetime) -> int:
    """Registrations for this coalition's assemblies that ended before the cutoff, of people who gave
    no ongoing consent to anyone; and walk-ins who left no address (no person, so no consent)."""
    ended = (Assembly.coalition_id == coalition.id, Assembly.ends_at < cutoff)
    walk_ins = ROWS.anonymise(
        Registration.assembly_id.in_(select(Assembly.id).where(*ended).scalar_subquery())
        & Registration.person_id.is_(None)
        & (Registration.name != "")
    )
    return ROWS.expire(*ended) + walk_ins


REGISTRATIONS = PersonalData(
    name="assembly_registrations",
    label=_l("Assemblies you registered for"),
    collect=_collect,
    erase=ROWS.erase,
    expire=_expire,
    minimise=ROWS.minimise,  # IP addresses kept against abuse, once older than the window
)
