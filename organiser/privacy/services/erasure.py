"""Erasure that keeps the counts: a person (and their consent ledger) is removed and every package
that registered personal data (``organiser.privacy.registry``) anonymises its rows in place — a
signature stays as an anonymous confirmed row, so petition counts, breakdowns by country and
recounts stay right. Outbox rows lose the address and the body (``scrub_outbox``, which the domains
use for the mail that carried their records too); the address survives only as a salted hash on the
suppression list (reason "erased"), so an import cannot quietly add the person back."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, func, select, update

from organiser.db import db
from organiser.messaging.models import (
    MailEvent,
    OutboxAttachment,
    OutboxMessage,
    OutboxStatus,
    Suppression,
    SuppressionReason,
)
from organiser.messaging.services.suppression import address_hash
from organiser.people.models import ConsentEvent, ConsentState, Person
from organiser.privacy.models import Erasure
from organiser.privacy.registry import personal_data_sources

log = logging.getLogger(__name__)
ERASED = "erased"  # the suppression reason, and what erased outbox rows show as their recipient


# ---- the salted hash that keeps erased people off the lists -------------------------------------


# ``address_hash`` lives with the suppression list (organiser.messaging), so that the supporters'
# import (organiser.coalitions, below this package) checks it too; erasure uses it from there.


def was_erased(email: str) -> bool:
    """Whether this address belonged to someone who asked to be erased (imports must skip them)."""
    return (
        db.session.scalar(select(Suppression.id).where(Suppression.email == address_hash(email))) is not None
    )


# ---- the outbox and what is kept by address -------------------------------------------------------


_SCRUBBED = {
    "recipient": ERASED,
    "recipient_name": "",
    "subject": "",
    "headers": {},
    "body_text": None,
    "body_html": None,
    "last_error": None,  # a refusal usually quotes the address
    "smtp_reply": None,
}


def scrub_outbox(condition: Any) -> int:
    """Outbox rows matching ``condition`` keep their status (mailing statistics stay right) but lose
    everything personal; those still waiting are cancelled. Returns how many were scrubbed."""
    db.session.execute(
        update(OutboxMessage)
        .where(condition, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(
        update(OutboxMessage)
        .where(condition)
        .values(**_SCRUBBED)
        .execution_options(synchronize_session=False)
    ).rowcount


def forget_addresses(emails: list[str], *, mark_erased: bool) -> dict[str, int]:
    """Everything kept by address across the platform: outbox rows, bounce events and suppressions.
    Only for addresses no person record in any alliance holds any more (another alliance's
    suppressions and waiting mail are its own). ``mark_erased``: keep the salted hash that stops an
    import adding the address back (an erasure asked for, not retention's tidying). A statement per
    kind of record, not per address (retention may remove tens of thousands of people in a run)."""
    held = set(db.session.scalars(select(Person.email).where(Person.email.in_(emails))))
    emails = [email for email in set(emails) if email not in held]
    if not emails:
        return {"outbox_messages": 0, "bounce_events": 0}
    outbox = scrub_outbox(OutboxMessage.recipient.in_(emails))
    events = db.session.execute(
        delete(MailEvent).where(MailEvent.email.in_(emails)).execution_options(synchronize_session=False)
    ).rowcount
    suppressed = set(
        db.session.scalars(
            delete(Suppression)
            .where(Suppression.email.in_(emails))
            .returning(Suppression.email)
            .execution_options(synchronize_session=False)
        )
    )
    hashes = {address_hash(email) for email in emails if mark_erased or email in suppressed}
    if hashes:
        kept = set(db.session.scalars(select(Suppression.email).where(Suppression.email.in_(hashes))))
        for hashed in sorted(hashes - kept):
            db.session.add(Suppression(email=hashed, reason=SuppressionReason(ERASED), detail=""))
    return {"outbox_messages": outbox, "bounce_events": events}


def drop_sent_attachments() -> int:
    """Attachments (a delivery's CSV of public signers) of messages that are sent or given up on:
    no longer needed, and they hold names."""
    finished = select(OutboxMessage.id).where(
        OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED])
    )
    return db.session.execute(
        delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(finished))
    ).rowcount


# ---- erasing a person -----------------------------------------------------------------------------


def erase_person(person: Person, *, requested_by: str, by: Any = None, reason: str = "") -> Erasure:
    """Erase one person record everywhere; what public counts rely on stays as anonymous rows."""
    counts: dict[str, int] = {}
    for source in personal_data_sources():
        counts[source.name] = source.erase(person)
    counts["consent_events"] = db.session.scalar(
        select(func.count()).where(ConsentEvent.person_id == person.id)
    )
    counts["outbox_messages"] = _detach_outbox(person)  # this alliance's mailings
    db.session.execute(delete(ConsentEvent).where(ConsentEvent.person_id == person.id))
    db.session.execute(delete(ConsentState).where(ConsentState.person_id == person.id))
    erasure = Erasure(
        tree_id=person.tree_id,
        by_user_id=getattr(by, "id", None),
        requested_by=requested_by,
        reason=reason,
        counts=counts,
    )
    db.session.add(erasure)
    email = person.email
    db.session.delete(person)
    db.session.flush()
    # The rest, once no alliance holds the address.
    forgotten = forget_addresses([email], mark_erased=True)
    counts["outbox_messages"] += forgotten["outbox_messages"]
    counts["bounce_events"] = forgotten["bounce_events"]
    counts["attachments"] = drop_sent_attachments()
    erasure.counts = counts
    log.info("person erased (%s) in tree %s: %s", requested_by, person.tree_id, counts)
    return erasure


def _detach_outbox(person: Person) -> int:
    """Scrub the person's outbox rows and unlink them from the record about to go; returns how many."""
    scrubbed = scrub_outbox(OutboxMessage.person_id == person.id)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person.id)
        .values(person_id=None)
        .execution_options(synchronize_session=False)
    )
    return scrubbed


def erasures_of(tree_id: int, limit: int = 50) -> list[Erasure]:
    return list(
        db.session.scalars(
            select(Erasure).where(Erasure.tree_id == tree_id).order_by(Erasure.id.desc()).limit(limit)
        )
    )
