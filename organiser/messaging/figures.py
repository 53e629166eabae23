"""What the coordinators' desk may ask of mail: how many messages coalitions' mailings sent each
day, and how recent mailings fared (sent, refused, unsubscribes, bounces, complaints). Counted by the
database; plain values. Only a coalition's own mailings count: an organisation's mailing is the
organisation's (its coalition's coordinators see that it exists, nothing more).

Unsubscribe links carry no mailing, so a mailing's unsubscribes are its recipients who withdrew
their consent to hear from its coalition (or unsubscribed from everything, which withdraws it too)
after it reached them and within ``WINDOW`` of its end; its bounces, the addresses it was sent to
that the relay reported bouncing (hard or soft) in that time, plus the messages the relay refused
outright (``failed``). A person who got two mailings that week counts for both."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, exists, false, func, literal, select

from organiser.db import as_utc, db, utcnow
from organiser.messaging.models import (
    BounceKind,
    MailEvent,
    Mailing,
    MailingStatus,
    OutboxMessage,
    OutboxStatus,
)
from organiser.people.models import ConsentEvent, ConsentSubject
from organiser.web.periods import Period, as_date, day_of
from organiser.web.tallies import DayCount, one_of

WINDOW = timedelta(days=7)
STARTED = (MailingStatus.SENDING, MailingStatus.PAUSED, MailingStatus.SENT)


@dataclass(frozen=True)
class MailingFigures:
    id: int
    coalition_id: int
    subject: str
    started_at: datetime
    status: str
    sent: int
    failed: int  # refused by the relay when sent: a bounce too
    unsubscribed: int
    bounced: int  # failed, and those reported bouncing after they were sent
    complaints: int

    @property
    def unsubscribe_rate(self) -> float | None:
        return self.unsubscribed / self.sent if self.sent else None

    @property
    def bounce_rate(self) -> float | None:
        attempted = self.sent + self.failed
        return self.bounced / attempted if attempted else None


def _own(coalition_ids: Collection[int]) -> list[Any]:
    return [Mailing.coalition_id.in_(list(coalition_ids)), Mailing.organisation_id.is_(None)]


def sent_by_day(coalition_ids: Collection[int], span: Period) -> list[DayCount]:
    """(coalition, day, messages its mailings sent that day) over ``span``."""
    dialect = db.session.get_bind().dialect.name
    day = day_of(OutboxMessage.sent_at, dialect, span.zone, span.start, span.end)
    rows = db.session.execute(
        select(Mailing.coalition_id, day, func.count())
        .join(Mailing, Mailing.id == OutboxMessage.mailing_id)
        .where(
            *_own(coalition_ids),
            one_of(OutboxMessage.status, [OutboxStatus.SENT]),
            OutboxMessage.sent_at >= span.start,
            OutboxMessage.sent_at < span.end,
        )
        .group_by(Mailing.coalition_id, day)
    )
    return [(c, as_date(d), n) for c, d, n in rows]


def recent_mailings(coalition_ids: Collection[int], limit: int = 10) -> list[MailingFigures]:
    """The ``limit`` mailings of these coalitions that started sending last, newest first."""
    mailings = db.session.execute(
        select(
            Mailing.id,
            Mailing.coalition_id,
            Mailing.subject,
            Mailing.started_at,
            Mailing.finished_at,
            Mailing.status,
        )
        .where(*_own(coalition_ids), Mailing.status.in_(STARTED), Mailing.started_at.is_not(None))
        .order_by(Mailing.started_at.desc(), Mailing.id.desc())
        .limit(limit)
    ).all()
    outcomes = _outcomes([m.id for m in mailings])
    return [_figures(m, outcomes) for m in mailings]


def _outcomes(mailing_ids: list[int]) -> dict[tuple[int, str], int]:
    if not mailing_ids:
        return {}
    rows = db.session.execute(
        select(OutboxMessage.mailing_id, OutboxMessage.status, func.count())
        .where(
            OutboxMessage.mailing_id.in_(mailing_ids),
            one_of(OutboxMessage.status, [OutboxStatus.SENT, OutboxStatus.FAILED]),
        )
        .group_by(OutboxMessage.mailing_id, OutboxMessage.status)
    )
    return {(m, str(status)): n for m, status, n in rows}


def _figures(row: Any, outcomes: dict[tuple[int, str], int]) -> MailingFigures:
    started = as_utc(row.started_at)
    until = (as_utc(row.finished_at) or utcnow()) + WINDOW
    failed = outcomes.get((row.id, str(OutboxStatus.FAILED)), 0)
    return MailingFigures(
        id=row.id,
        coalition_id=row.coalition_id,
        subject=row.subject,
        started_at=started,
        status=str(row.status),
        sent=outcomes.get((row.id, str(OutboxStatus.SENT)), 0),
        failed=failed,
        unsubscribed=_unsubscribed(row.id, row.coalition_id, started, until),
        bounced=failed + _reported(row.id, (BounceKind.HARD, BounceKind.SOFT), started, until),
        complaints=_reported(row.id, (BounceKind.COMPLAINT,), started, until),
    )


def _unsubscribed(mailing_id: int, coalition_id: int, since: datetime, until: datetime) -> int:
    # The outbox row of (mailing, person) found by its idempotency key (``mailings._insert_rows``).
    key = literal(f"mailing:{mailing_id}:person:") + cast(ConsentEvent.person_id, String)
    received = exists().where(
        OutboxMessage.idempotency_key == key,
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at <= ConsentEvent.created_at,
    )
    return db.session.scalar(
        select(func.count(ConsentEvent.person_id.distinct())).where(
            ConsentEvent.subject_type == ConsentSubject.COALITION,
            ConsentEvent.subject_id == coalition_id,
            ConsentEvent.given == false(),  # as the partial index's WHERE (migration 0030)
            ConsentEvent.created_at >= since,
            ConsentEvent.created_at < until,
            received,
        )
    )


def _reported(mailing_id: int, kinds: tuple[BounceKind, ...], since: datetime, until: datetime) -> int:
    received = exists().where(
        OutboxMessage.recipient == MailEvent.email,
        OutboxMessage.mailing_id == mailing_id,
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at <= MailEvent.created_at,
    )
    return db.session.scalar(
        select(func.count(MailEvent.email.distinct())).where(
            MailEvent.kind.in_(kinds), MailEvent.created_at >= since, MailEvent.created_at < until, received
        )
    )
