"""The assembly's row lock and its figures: places taken, places left, registrations by status, a
person's position on the waitlist.

The waitlist must be exactly right (DESIGN.md, flow 3): every decision about places — confirming,
cancelling, promoting, checking in — is taken while holding the assembly's row lock (``SELECT … FOR
UPDATE`` on PostgreSQL; on SQLite a write to the row takes the database's single write lock first),
and counts the places taken inside that lock. So concurrent confirmations never exceed the capacity,
and a freed place goes to the first person on the waitlist, in order of confirmation.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from organiser.assemblies.models import PLACE_TAKING, Assembly, Registration, RegistrationStatus
from organiser.db import db


def lock_assembly(assembly_id: int) -> None:
    """Hold the assembly's row until the transaction ends: decisions about places are taken one at
    a time. PostgreSQL: ``SELECT … FOR UPDATE``. SQLite: a write to the row, which takes the one
    write lock at once (a read first would let two transactions deadlock on the upgrade)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Assembly.id).where(Assembly.id == assembly_id).with_for_update())
    else:
        db.session.execute(
            update(Assembly)
            .where(Assembly.id == assembly_id)
            .values(capacity=Assembly.capacity)
            .execution_options(synchronize_session=False)
        )


def places_taken(assembly_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.assembly_id == assembly_id, Registration.status.in_(PLACE_TAKING))
    )


def counts(assembly: Assembly) -> dict[str, int]:
    """Registrations by status, with ``registered`` (holding a place, including those who came)."""
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.assembly_id == assembly.id)
        .group_by(Registration.status)
    ).all()
    by_status = {str(status): n for status, n in rows}
    figures = {str(status): by_status.get(str(status), 0) for status in RegistrationStatus}
    figures["registered"] = figures["confirmed"] + figures["attended"]
    return figures


def places_left(assembly: Assembly) -> int:
    return max(assembly.capacity - places_taken(assembly.id), 0)


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return 1 + db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.assembly_id == registration.assembly_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            (Registration.confirmed_at < registration.confirmed_at)
            | (
                (Registration.confirmed_at == registration.confirmed_at) & (Registration.id < registration.id)
            ),
        )
    )
