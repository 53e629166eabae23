"""Decisions about places, each taken under the assembly's row lock (``places``): confirming a
registration into a place or onto the end of the waitlist, cancelling one, and giving freed places
to the waitlist, first confirmed first. Each person is e-mailed where they stand."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from sqlalchemy import select

from organiser.assemblies.models import (
    PLACE_TAKING,
    Assembly,
    AssemblyStatus,
    Registration,
    RegistrationStatus,
)
from organiser.assemblies.services.mail import send_placed
from organiser.assemblies.services.places import lock_assembly, places_taken
from organiser.assemblies.services.registration import apply_confirmed_choices
from organiser.db import db, utcnow

log = logging.getLogger(__name__)

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out at a door


class RegistrationStateError(Exception):
    pass


def confirm(registration: Registration) -> bool:
    """Confirm once: a place if one is free, otherwise the end of the waitlist; the person is told
    which. False if it was confirmed (or cancelled) before, or the assembly is cancelled."""
    lock_assembly(registration.assembly_id)
    db.session.refresh(registration)
    assembly = registration.assembly
    db.session.refresh(assembly)
    if registration.status != RegistrationStatus.PENDING or assembly.status == AssemblyStatus.CANCELLED:
        return False
    has_place = places_taken(assembly.id) < assembly.capacity
    registration.status = RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED
    registration.confirmed_at = utcnow()
    registration.check_in_code = _new_check_in_code(assembly.id)
    apply_confirmed_choices(registration)
    db.session.flush()
    send_placed(registration, promoted=False)
    log.info("registration %s for assembly %s: %s", registration.id, assembly.id, registration.status)
    return True


def cancel_registration(registration: Registration, *, by: Any = None) -> list[Registration]:
    """Cancel (on the person's request, or an organiser's); a freed place goes to the next on the
    waitlist. Returns the people promoted."""
    lock_assembly(registration.assembly_id)
    db.session.refresh(registration)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.ATTENDED):
        raise RegistrationStateError(f"a registration that is {registration.status} cannot be cancelled")
    held_place = registration.status in PLACE_TAKING
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, utcnow()
    db.session.flush()
    log.info(
        "registration %s for assembly %s cancelled by %s",
        registration.id,
        registration.assembly_id,
        getattr(by, "id", "the registrant"),
    )
    return promote_from_waitlist(registration.assembly) if held_place else []


def promote_from_waitlist(assembly: Assembly) -> list[Registration]:
    """Give the free places to the waitlist, first confirmed first, and e-mail each person promoted.
    The caller holds the assembly's lock."""
    db.session.refresh(assembly)
    if assembly.status == AssemblyStatus.CANCELLED or assembly.has_ended():
        return []
    free = assembly.capacity - places_taken(assembly.id)
    if free <= 0:
        return []
    promoted = list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.assembly_id == assembly.id, Registration.status == RegistrationStatus.WAITLISTED
            )
            .order_by(Registration.confirmed_at, Registration.id)
            .limit(free)
        )
    )
    now = utcnow()
    for registration in promoted:
        registration.status, registration.promoted_at = RegistrationStatus.CONFIRMED, now
    db.session.flush()
    for registration in promoted:
        send_placed(registration, promoted=True)
        log.info("registration %s promoted from the waitlist of assembly %s", registration.id, assembly.id)
    return promoted


def _new_check_in_code(assembly_id: int) -> str:
    while True:  # 32**6 codes: a clash within one assembly is rare, and we hold its lock
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        taken = db.session.scalar(
            select(Registration.id).where(
                Registration.assembly_id == assembly_id, Registration.check_in_code == code
            )
        )
        if taken is None:
            return code
