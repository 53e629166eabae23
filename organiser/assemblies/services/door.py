"""At the door: checking people in, by the code in their e-mail or from the list. Only a confirmed
place can be checked in, under the assembly's row lock."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from organiser.assemblies.models import Assembly, Registration, RegistrationStatus
from organiser.assemblies.services.places import lock_assembly
from organiser.db import db, utcnow

log = logging.getLogger(__name__)


class CheckInError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unknown", "already", "waitlisted", "not_confirmed"


def check_in_by_code(assembly: Assembly, code: str, *, by: Any) -> Registration:
    normalised = "".join(code.split()).upper()
    registration = db.session.scalar(
        select(Registration).where(
            Registration.assembly_id == assembly.id, Registration.check_in_code == normalised
        )
    )
    if registration is None:
        raise CheckInError("unknown")
    return check_in(registration, by=by)


def check_in(registration: Registration, *, by: Any) -> Registration:
    """Mark a confirmed registration attended. The waitlisted have no place yet: promoting them at
    the door would exceed the capacity, so organisers cancel someone else's place first."""
    lock_assembly(registration.assembly_id)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.ATTENDED:
        raise CheckInError("already")
    if registration.status == RegistrationStatus.WAITLISTED:
        raise CheckInError("waitlisted")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise CheckInError("not_confirmed")
    registration.status, registration.attended_at = RegistrationStatus.ATTENDED, utcnow()
    db.session.flush()
    log.info(
        "registration %s checked in at assembly %s by %s", registration.id, registration.assembly_id, by.id
    )
    return registration
