"""At the door, beyond checking in by code (``services.door``): finding a registration by the code its
QR code carries, registering walk-ins, and the attendance figures the check-in page shows."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from organiser.assemblies.models import Assembly, Registration, RegistrationStatus
from organiser.assemblies.services.door import CheckInError
from organiser.assemblies.services.places import counts, lock_assembly
from organiser.db import db, utcnow
from organiser.people.services import person_id_for, supporter_email

log = logging.getLogger(__name__)


def by_code(assembly: Assembly, code: str) -> Registration | None:
    normalised = "".join(code.split()).upper()
    return db.session.scalar(
        select(Registration).where(
            Registration.assembly_id == assembly.id, Registration.check_in_code == normalised
        )
    )


def register_walk_in(assembly: Assembly, data: dict[str, Any], *, by: Any) -> Registration:
    """Someone who came without a place: counted as taking part at once (they are in the room, so the
    places do not limit them). With an e-mail address they are a supporter like any other, without
    any consent given (the mailing segments' consent rules leave them out until they give one);
    someone with a registration already is checked in on it, whatever its state."""
    lock_assembly(assembly.id)
    details = {
        "name": data["name"].strip(),
        "region": (data.get("region") or "").strip(),
        "language": (data.get("language") or "").strip(),
    }
    address = supporter_email(data["email"]) if data.get("email") else ""
    person_id = None
    if address:
        tree = assembly.coalition.lineage()[-1].id
        person_id = person_id_for(tree, address, {"name": details["name"], "region": details["region"]})
        existing = db.session.scalar(
            select(Registration).where(
                Registration.assembly_id == assembly.id, Registration.person_id == person_id
            )
        )
        if existing is not None:
            return _arrived(existing, by=by)
    now = utcnow()
    registration = Registration(
        assembly_id=assembly.id,
        person_id=person_id,
        email=address,
        status=RegistrationStatus.ATTENDED,
        confirmed_at=now,
        attended_at=now,
        **details,
    )
    db.session.add(registration)
    db.session.flush()
    log.info("walk-in registration %s at assembly %s by %s", registration.id, assembly.id, by.id)
    return registration


def _arrived(registration: Registration, *, by: Any) -> Registration:
    if registration.status == RegistrationStatus.ATTENDED:
        raise CheckInError("already")
    now = utcnow()
    registration.status, registration.attended_at = RegistrationStatus.ATTENDED, now
    registration.confirmed_at = registration.confirmed_at or now
    db.session.flush()
    log.info(
        "registration %s checked in as a walk-in at assembly %s by %s",
        registration.id,
        registration.assembly_id,
        by.id,
    )
    return registration


def attendance(assembly: Assembly) -> dict[str, int]:
    """The registrations' figures, with ``walk_ins``: those who took part without registering."""
    figures = counts(assembly)
    figures["walk_ins"] = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.assembly_id == assembly.id,
            Registration.status == RegistrationStatus.ATTENDED,
            Registration.check_in_code.is_(None),
            Registration.person_id.is_not(None) | (Registration.name != ""),
        )
    )
    return figures
