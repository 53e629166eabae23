"""Unsubscribes, bounces and complaints: who never gets bulk mail again, and who stops hearing from whom."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from organiser.core.models import normalise_email
from organiser.db import db, utcnow
from organiser.messaging.models import BounceKind, MailEvent, Suppression, SuppressionReason
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import record_consent, supporter_email
from organiser.web.public_actions import link_token, read_link_token

log = logging.getLogger(__name__)

SOFT_BOUNCE_LIMIT = 3  # soft bounces within SOFT_BOUNCE_WINDOW before an address is suppressed
SOFT_BOUNCE_WINDOW = timedelta(days=30)


def unsubscribe_token(person_id: int, subject_type: str, subject_id: int) -> str:
    """A link token that never expires (unsubscribe links must keep working) and cannot be forged."""
    return link_token("unsubscribe", [person_id, str(subject_type), subject_id])


def read_unsubscribe_token(token: str) -> tuple[int, ConsentSubject, int] | None:
    try:
        person_id, subject_type, subject_id = read_link_token("unsubscribe", token)
        return int(person_id), ConsentSubject(subject_type), int(subject_id)
    except (ValueError, TypeError):  # not ours (None), or not what we sign
        return None


def is_suppressed(email: str) -> bool:
    return (
        db.session.scalar(select(Suppression.id).where(Suppression.email == normalise_email(email)))
        is not None
    )


def address_hash(email: str) -> str:
    """What an erased person's address survives as on the suppression list (reason "erased"): a
    salted hash, so that an import cannot quietly add them back (``suppressed_addresses``)."""
    salt = current_app.config.get("PRIVACY_HASH_SALT") or current_app.config["SECRET_KEY"]
    digest = hmac.new(salt.encode(), supporter_email(email).encode(), hashlib.sha256).hexdigest()
    return f"hash:{digest}"


def suppressed_addresses(written: Mapping[str, Iterable[str]]) -> set[str]:
    """Which of these supporters' addresses (``supporter_email``, each with the ways it was written)
    are on the suppression list: unsubscribed from everything, bounced, complained, or erased (the
    salted hash). One query for them all."""
    hashes = {address: address_hash(address) for address in written}
    forms = {address: {address, *(normalise_email(w) for w in ways)} for address, ways in written.items()}
    wanted = set(hashes.values()).union(*forms.values()) if forms else set()
    found = set(db.session.scalars(select(Suppression.email).where(Suppression.email.in_(wanted))))
    return {address for address in written if hashes[address] in found or forms[address] & found}


def suppress(email: str, reason: SuppressionReason, detail: str = "") -> Suppression:
    """Put the address on the suppression list (idempotent: the first reason is kept)."""
    address = normalise_email(email)
    existing = db.session.scalar(select(Suppression).where(Suppression.email == address))
    if existing is not None:
        return existing
    row = Suppression(email=address, reason=reason, detail=detail)
    db.session.add(row)
    db.session.flush()
    log.info("suppressed an address (%s)", reason)
    return row


def unsubscribe(
    person: Person, subject_type: ConsentSubject, subject_id: int, *, everything: bool, source: str
) -> None:
    """Withdraw the person's consent for this sender; ``everything`` also suppresses all bulk mail."""
    record_consent(person, subject_type, subject_id, given=False, source=source)
    if everything:
        suppress(person.email, SuppressionReason.UNSUBSCRIBED, detail=source)


def record_bounce(email: str, kind: BounceKind, *, detail: str = "", source: str = "webhook") -> bool:
    """Log a bounce or complaint; returns True when the address is now suppressed."""
    address = normalise_email(email)
    db.session.add(MailEvent(email=address, kind=kind, detail=detail[:2000], source=source))
    db.session.flush()
    if kind is BounceKind.HARD:
        suppress(address, SuppressionReason.BOUNCED, detail)
        return True
    if kind is BounceKind.COMPLAINT:
        suppress(address, SuppressionReason.COMPLAINED, detail)
        return True
    recent = db.session.scalar(
        select(func.count()).where(
            MailEvent.email == address,
            MailEvent.kind == BounceKind.SOFT,
            MailEvent.created_at >= utcnow() - SOFT_BOUNCE_WINDOW,
        )
    )
    if recent >= SOFT_BOUNCE_LIMIT:
        suppress(
            address, SuppressionReason.BOUNCED, f"{recent} soft bounces in {SOFT_BOUNCE_WINDOW.days} days"
        )
        return True
    return False
