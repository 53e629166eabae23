"""Testimonies: submitted through the public form (double opt-in) or written down by organisers,
moderated before anything is public (approve, ask for changes, reject with a reason), changed by the
witness when asked, and withdrawn by them from their own page."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import case, func, select

from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals.models import (
    Testimony,
    TestimonyAttachment,
    TestimonySource,
    TestimonyStatus,
)
from organiser.assemblies.tribunals.services.attachments import CleanFile
from organiser.assemblies.tribunals.services.mail import send_confirmation, send_decision, send_recorded
from organiser.db import db, utcnow
from organiser.people.services import person_id_for, supporter_email
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS

log = logging.getLogger(__name__)

# What a witness may still withdraw, and what organisers may still decide on.
WITHDRAWABLE = (
    TestimonyStatus.PENDING,
    TestimonyStatus.SUBMITTED,
    TestimonyStatus.CHANGES_REQUESTED,
    TestimonyStatus.APPROVED,
)
MODERATED_FROM = {
    TestimonyStatus.APPROVED: (TestimonyStatus.SUBMITTED,),
    TestimonyStatus.CHANGES_REQUESTED: (TestimonyStatus.SUBMITTED, TestimonyStatus.APPROVED),
    TestimonyStatus.REJECTED: (
        TestimonyStatus.SUBMITTED,
        TestimonyStatus.APPROVED,
        TestimonyStatus.CHANGES_REQUESTED,
    ),
}


class TestimonyStateError(Exception):
    """The testimony is not in a state that allows this."""


def _person_for(assembly: Assembly, email: str) -> int:
    """The witness's person record (only the address: their name stays with the testimony)."""
    return person_id_for(assembly.coalition.lineage()[-1].id, email, {})


def _attach(testimony: Testimony, files: list[CleanFile]) -> None:
    for file in files:
        testimony.attachments.append(
            TestimonyAttachment(
                filename=file.filename, content_type=file.content_type, data=file.data, size=len(file.data)
            )
        )


def submit_testimony(
    assembly: Assembly, fields: dict[str, Any], files: list[CleanFile], *, name: str, email: str, ip: str
) -> Testimony | None:
    """A pending testimony and the e-mail with the link that confirms it. Someone with
    ``MAX_CONFIRMATION_SENDS`` testimonies waiting for confirmation here gets nothing more (the form
    cannot flood a mailbox); the page answers the same in every case."""
    address = supporter_email(email)
    person_id = _person_for(assembly, address)
    waiting = db.session.scalar(
        select(func.count()).where(
            Testimony.assembly_id == assembly.id,
            Testimony.person_id == person_id,
            Testimony.status == TestimonyStatus.PENDING,
        )
    )
    if waiting >= MAX_CONFIRMATION_SENDS:
        return None
    testimony = Testimony(
        assembly_id=assembly.id,
        person_id=person_id,
        name=name.strip(),
        email=address,
        ip=ip[:64],
        source=TestimonySource.FORM,
        status=TestimonyStatus.PENDING,
        confirmation_sends=1,
        **fields,
    )
    _attach(testimony, files)
    db.session.add(testimony)
    db.session.flush()
    send_confirmation(testimony)
    return testimony


def confirm_testimony(testimony: Testimony) -> None:
    """The witness confirmed through the e-mailed link: it waits for the organisers (once)."""
    if testimony.status == TestimonyStatus.PENDING:
        testimony.status = TestimonyStatus.SUBMITTED
        testimony.confirmed_at = utcnow()
        db.session.flush()
        log.info("testimony %s confirmed", testimony.id)


def enter_testimony(
    assembly: Assembly, fields: dict[str, Any], files: list[CleanFile], *, name: str, email: str, by: Any
) -> Testimony:
    """A testimony given in person or by voice, written down by an organiser: it waits for
    moderation like any other; a witness whose address is given gets the link to their own page."""
    address = supporter_email(email) if email else ""
    testimony = Testimony(
        assembly_id=assembly.id,
        person_id=_person_for(assembly, address) if address else None,
        name=name.strip(),
        email=address,
        source=TestimonySource.ORGANISERS,
        status=TestimonyStatus.SUBMITTED,
        confirmed_at=utcnow(),
        **fields,
    )
    _attach(testimony, files)
    db.session.add(testimony)
    db.session.flush()
    send_recorded(testimony)
    log.info("testimony %s entered in assembly %s by %s", testimony.id, assembly.id, by.id)
    return testimony


def moderate(testimony: Testimony, status: TestimonyStatus, *, note: str = "", by: Any) -> None:
    """Approve, ask for changes (with what to change) or reject (with why); the witness is told."""
    if testimony.status not in MODERATED_FROM[status]:
        raise TestimonyStateError(testimony.status)
    testimony.status = status
    testimony.moderation_note = note.strip() if status != TestimonyStatus.APPROVED else ""
    testimony.moderated_by_id, testimony.moderated_at = by.id, utcnow()
    db.session.flush()
    send_decision(testimony)
    log.info("testimony %s %s by %s", testimony.id, status, by.id)


def edit_by_witness(testimony: Testimony, fields: dict[str, Any]) -> None:
    """The witness changed their testimony as asked: it goes back to the organisers."""
    if testimony.status != TestimonyStatus.CHANGES_REQUESTED:
        raise TestimonyStateError(testimony.status)
    for key, value in fields.items():
        setattr(testimony, key, value)
    testimony.status = TestimonyStatus.SUBMITTED
    db.session.flush()
    log.info("testimony %s changed by its witness", testimony.id)


def withdraw(testimony: Testimony) -> None:
    """The witness takes their testimony back: it is no longer public, nor before the panel."""
    if testimony.status not in WITHDRAWABLE:
        raise TestimonyStateError(testimony.status)
    testimony.status = TestimonyStatus.WITHDRAWN
    testimony.withdrawn_at = utcnow()
    db.session.flush()
    log.info("testimony %s withdrawn by its witness", testimony.id)


def for_moderation(assembly: Assembly) -> list[Testimony]:
    """The testimonies organisers see (not those still waiting for the witness's confirmation):
    those at risk first, then those waiting for a decision, oldest first."""
    waiting = case((Testimony.status == TestimonyStatus.SUBMITTED, 0), else_=1)
    return list(
        db.session.scalars(
            select(Testimony)
            .where(Testimony.assembly_id == assembly.id, Testimony.status != TestimonyStatus.PENDING)
            .order_by(Testimony.safety_risk.desc(), waiting, Testimony.created_at, Testimony.id)
        )
    )


def testimony_in(assembly: Assembly, testimony_id: int) -> Testimony | None:
    testimony = db.session.get(Testimony, testimony_id)
    return testimony if testimony is not None and testimony.assembly_id == assembly.id else None


def attachment_of(testimony: Testimony, attachment_id: int) -> TestimonyAttachment | None:
    return next((a for a in testimony.attachments if a.id == attachment_id), None)
