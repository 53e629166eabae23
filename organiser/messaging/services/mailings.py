"""A coordinator's mailing, from draft to sent: test it, schedule it, start, pause, resume, cancel.

When sending starts the recipients are frozen: one INSERT … SELECT writes an outbox row per
person (idempotency key = mailing + person, so running it again adds nothing), then delivery
jobs take the rows in batches. Pausing stops workers between messages; resuming hands out only
rows still queued, so nobody is skipped and nobody gets it twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import String, case, cast, func, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from organiser.db import db, utcnow
from organiser.jobs import enqueue_after_commit
from organiser.messaging.models import Mailing, MailingStatus, MailStream, OutboxMessage, OutboxStatus
from organiser.messaging.owners import owner_of
from organiser.messaging.services.audiences import consenting_people, is_suppressed_clause
from organiser.messaging.services.outbox import hand_out, queue_email

log = logging.getLogger(__name__)


class MailingStateError(Exception):
    """The mailing is not in a state that allows this (e.g. resuming a sent mailing)."""


def create_mailing(
    coalition_id: int, *, by: Any, organisation_id: int | None = None, **fields: Any
) -> Mailing:
    mailing = Mailing(
        coalition_id=coalition_id, organisation_id=organisation_id, created_by_id=by.id, **fields
    )
    db.session.add(mailing)
    db.session.flush()
    log.info("mailing %s created in coalition %s by %s", mailing.id, coalition_id, by.id)
    return mailing


def update_mailing(mailing: Mailing, **fields: Any) -> None:
    if not mailing.editable:
        raise MailingStateError("only a draft or scheduled mailing can be changed")
    for key, value in fields.items():
        setattr(mailing, key, value)
    db.session.flush()


def send_test(mailing: Mailing, to: str) -> OutboxMessage:
    """The mailing as a recipient would get it, to one address, ahead of bulk mail."""
    from organiser.messaging.render import render_mailing

    rendered = render_mailing(mailing)
    probe = OutboxMessage(recipient=to, recipient_name="", person_id=None)
    headers, text, html = rendered.message_for(probe, unsubscribe_url=current_app.config["BASE_URL"] + "/")
    headers.pop("List-Unsubscribe", None)
    headers.pop("List-Unsubscribe-Post", None)
    return queue_email(
        to=to,
        subject=f"[TEST] {mailing.subject}",
        text=text,
        html=html,
        headers=headers,
        sender=rendered.sender,
    )


def schedule(mailing: Mailing, when: datetime, *, by: Any) -> None:
    if not mailing.editable:
        raise MailingStateError("only a draft can be scheduled")
    mailing.status, mailing.scheduled_at = MailingStatus.SCHEDULED, when
    db.session.flush()
    log.info("mailing %s scheduled for %s by %s", mailing.id, when.isoformat(), by.id)


def unschedule(mailing: Mailing, *, by: Any) -> None:
    if mailing.status != MailingStatus.SCHEDULED:
        raise MailingStateError("the mailing is not scheduled")
    mailing.status, mailing.scheduled_at = MailingStatus.DRAFT, None
    db.session.flush()
    log.info("mailing %s unscheduled by %s", mailing.id, by.id if by else "system")


def start(mailing: Mailing, *, by: Any | None = None) -> None:
    """Begin sending now: recipients are frozen by a job right after this commits."""
    if not mailing.editable:
        raise MailingStateError("the mailing has started already")
    mailing.status, mailing.started_at, mailing.paused_reason = MailingStatus.SENDING, utcnow(), ""
    db.session.flush()
    from organiser.messaging.jobs import expand_mailing

    enqueue_after_commit(expand_mailing, mailing.id, queue="bulk")
    log.info("mailing %s started by %s", mailing.id, by.id if by else "the scheduler")


def pause(mailing: Mailing, *, by: Any | None = None, reason: str = "") -> None:
    if mailing.status != MailingStatus.SENDING:
        raise MailingStateError("only a mailing that is sending can be paused")
    mailing.status, mailing.paused_reason = MailingStatus.PAUSED, reason
    db.session.flush()
    log.info("mailing %s paused by %s %s", mailing.id, by.id if by else "the system", reason)


def resume(mailing: Mailing, *, by: Any) -> None:
    """Carry on from the ledger: only rows still queued are handed out again."""
    if mailing.status != MailingStatus.PAUSED:
        raise MailingStateError("only a paused mailing can be resumed")
    mailing.status, mailing.paused_reason = MailingStatus.SENDING, ""
    db.session.flush()
    if mailing.recipient_total is None:  # paused before its recipients were frozen
        from organiser.messaging.jobs import expand_mailing

        enqueue_after_commit(expand_mailing, mailing.id, queue="bulk")
    else:
        _hand_out_queued(mailing.id)
    log.info("mailing %s resumed by %s", mailing.id, by.id)


def cancel(mailing: Mailing, *, by: Any) -> None:
    """Stop for good: what was not sent yet is marked cancelled."""
    if mailing.status in (MailingStatus.SENT, MailingStatus.CANCELLED):
        raise MailingStateError("the mailing has finished already")
    mailing.status, mailing.finished_at = MailingStatus.CANCELLED, utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.mailing_id == mailing.id, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED)
    )
    db.session.flush()
    log.info("mailing %s cancelled by %s", mailing.id, by.id)


def expand(mailing_id: int) -> int:
    """Freeze the recipients into outbox rows (once), then hand them to the delivery workers."""
    mailing = db.session.get(Mailing, mailing_id)
    if mailing is None or mailing.status != MailingStatus.SENDING:
        return 0
    if mailing.recipient_total is None:
        _insert_rows(mailing)
        mailing.recipient_total = db.session.scalar(
            select(func.count()).where(OutboxMessage.mailing_id == mailing.id)
        )
        db.session.commit()
    queued = _hand_out_queued(mailing.id)
    finish_if_done(mailing.id)
    db.session.commit()
    return queued


def _insert_rows(mailing: Mailing) -> None:
    from organiser.messaging.render import from_header

    people = consenting_people(mailing).add_columns(is_suppressed_clause().label("suppressed")).subquery()
    key = literal(f"mailing:{mailing.id}:person:") + cast(people.c.id, String)
    status = case(
        (people.c.suppressed, literal(str(OutboxStatus.SUPPRESSED))), else_=literal(str(OutboxStatus.QUEUED))
    )
    source = select(
        literal(str(MailStream.BULK)),
        key,
        literal(mailing.id),
        people.c.id,
        people.c.email,
        people.c.name,
        literal(from_header(mailing.from_name or owner_of(mailing).name)),
        literal(mailing.subject),
        status,
        literal(0),
        literal(utcnow()),
    ).where(true())  # SQLite needs a WHERE before ON CONFLICT to parse the upsert
    columns = [
        "stream",
        "idempotency_key",
        "mailing_id",
        "person_id",
        "recipient",
        "recipient_name",
        "sender",
        "subject",
        "status",
        "attempts",
        "created_at",
    ]
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(OutboxMessage).from_select(columns, source)
    db.session.execute(insert.on_conflict_do_nothing(index_elements=["idempotency_key"]))


def _hand_out_queued(mailing_id: int) -> int:
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.stream)
        .where(OutboxMessage.mailing_id == mailing_id, OutboxMessage.status == OutboxStatus.QUEUED)
        .order_by(OutboxMessage.id)
    ).all()
    hand_out([(i, s) for i, s in rows])
    return len(rows)


def finish_if_done(mailing_id: int) -> None:
    """A sending mailing with nothing queued or in flight has been sent."""
    mailing = db.session.get(Mailing, mailing_id)
    if mailing is None or mailing.status != MailingStatus.SENDING or mailing.recipient_total is None:
        return
    open_rows = db.session.scalar(
        select(func.count()).where(
            OutboxMessage.mailing_id == mailing_id,
            OutboxMessage.status.in_([OutboxStatus.QUEUED, OutboxStatus.SENDING]),
        )
    )
    if not open_rows:
        mailing.status, mailing.finished_at = MailingStatus.SENT, utcnow()
        db.session.commit()
        log.info("mailing %s sent", mailing_id)


def auto_pause_if_failing(mailing_id: int, attempted: int, errors: int) -> None:
    """Pause a mailing whose batch mostly failed: the relay is refusing, or the list is bad."""
    threshold = float(current_app.config.get("MAIL_PAUSE_ERROR_RATIO") or 0.5)
    if attempted < 10 or errors / attempted < threshold:
        return
    mailing = db.session.get(Mailing, mailing_id)
    if mailing is not None and mailing.status == MailingStatus.SENDING:
        pause(mailing, reason=f"{errors} of the last {attempted} messages failed")
        db.session.commit()


def start_due_mailings() -> int:
    """Start every scheduled mailing whose time has come (called by every worker's sweeper).

    Each is taken with a conditional UPDATE, so two workers sweeping at once start it once.
    """
    from organiser.messaging.jobs import expand_mailing

    now = utcnow()
    started = db.session.scalars(
        update(Mailing)
        .where(Mailing.status == MailingStatus.SCHEDULED, Mailing.scheduled_at <= now)
        .values(status=MailingStatus.SENDING, started_at=now, paused_reason="")
        .returning(Mailing.id)
    ).all()
    for mailing_id in started:
        enqueue_after_commit(expand_mailing, mailing_id, queue="bulk")
        log.info("mailing %s started by the scheduler", mailing_id)
    db.session.commit()
    return len(started)
