"""The outbox as the ledger of record: each outcome written and committed at once (while a batch
is sent on PostgreSQL, over a connection of its own in autocommit, the hot statement prepared on
the server), the retry rules (how often, how long a claim may go stale), and reading it back."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from organiser.db import db, utcnow
from organiser.messaging.models import OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 8  # with the backoff below, about 72 hours of retrying before a message fails


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1 min, 4 min, 16 min … capped at 24 hours."""
    return timedelta(seconds=min(60 * 4 ** max(attempts - 1, 0), 86400))


def stale_claim_timeout() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("OUTBOX_CLAIM_TIMEOUT") or 300))


def record(row_ids: Sequence[int], **values: object) -> None:
    """Record an outcome and commit it at once: the ledger must never lag the SMTP server.

    While a batch is sent on PostgreSQL, outcomes go through a connection of their own in
    autocommit: one round trip a message instead of three (BEGIN, UPDATE, COMMIT). Otherwise (in
    SQLite, or inside a test's transaction) a Core statement on the session's connection is used;
    an ORM ``update()`` would also evaluate its WHERE clause against every row held in the session.
    """
    statement = update(OutboxMessage).where(OutboxMessage.id.in_(row_ids)).values(**values)
    ledger = g.get("outbox_ledger")
    if ledger is not None:
        ledger.execute(statement)
        return
    db.session.connection().execute(statement)
    db.session.commit()


@contextmanager
def ledger_connection() -> Iterator[None]:
    """While a batch is sent on PostgreSQL: ``record`` and ``mark_sent`` use a connection of their own."""
    bind = current_app.extensions["organiser.bind"]
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        yield
        return
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        g.outbox_ledger = conn
        g.outbox_driver = conn.connection.driver_connection  # psycopg's own, for the hot statement
        try:
            yield
        finally:
            g.pop("outbox_ledger", None)
            g.pop("outbox_driver", None)


# The statement run once per message sent, prepared on the server: psycopg directly, without
# SQLAlchemy's statement compilation, is a third of the cost of recording an outcome.
_MARK_SENT = (
    "UPDATE outbox_messages SET status = 'sent', smtp_reply = %s, sent_at = %s, last_error = NULL"
    " WHERE id = %s"
)


def mark_sent(row_id: int, reply: str) -> None:
    driver = g.get("outbox_driver")
    if driver is not None:
        driver.execute(_MARK_SENT, (reply[:500], utcnow(), row_id), prepare=True)
        return
    record([row_id], status=OutboxStatus.SENT, smtp_reply=reply[:500], sent_at=utcnow(), last_error=None)


def status_counts(mailing_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.mailing_id == mailing_id)
        .group_by(OutboxMessage.status)
    ).all()
    counts = {str(s): 0 for s in OutboxStatus}
    counts.update({str(status): n for status, n in rows})
    return counts


def recent_messages(limit: int = 50, *, to: str | None = None) -> list[OutboxMessage]:
    """The newest messages, or only those addressed to ``to``."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if to is not None:
        query = query.where(OutboxMessage.recipient == to)
    return list(db.session.scalars(query))
