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
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, String, and_, case, cast, exists, false, func, literal, select, union_all

from organiser.db import as_utc, db, dialect_insert, utcnow
from organiser.messaging.models import (
    BounceKind,
    MailEvent,
    Mailing,
    MailingOutcome,
    MailingStatus,
    OutboxMessage,
    OutboxStatus,
)
from organiser.people.models import ConsentEvent, ConsentSubject
from organiser.web.periods import Period, as_date, day_in, within
from organiser.web.tallies import DayCount, one_of

WINDOW = timedelta(days=7)
REFRESH = timedelta(minutes=10)  # how old a sent mailing's unsubscribes and bounces may be on the desk
STARTED = (MailingStatus.SENDING, MailingStatus.PAUSED, MailingStatus.SENT)
BOUNCE, COMPLAINT = "bounce", "complaint"


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


def _sent(*conditions: Any) -> list[Any]:
    # As the partial index's WHERE (migration 0030): status written into the SQL.
    return [one_of(OutboxMessage.status, [OutboxStatus.SENT]), *conditions]


def sent_by_day(coalition_ids: Collection[int], period: Period) -> list[DayCount]:
    """(coalition, day, messages its mailings sent that day) over ``period``.

    A mailing goes out in a burst: when its first and last message in the period were sent on the
    same day, its messages are counted without working out each one's day (an index range each);
    only mailings sent over several days are grouped by day."""
    on_one: dict[int, tuple[int, date]] = {}
    spread: dict[int, int] = {}
    for mailing_id, coalition_id, first, last in _first_and_last(coalition_ids, period.start, period.end):
        days = {first.astimezone(period.tz).date(), last.astimezone(period.tz).date()}
        if len(days) == 1:
            on_one[mailing_id] = (coalition_id, days.pop())
        else:
            spread[mailing_id] = coalition_id
    counted = []
    if on_one:
        rows = db.session.execute(
            select(OutboxMessage.mailing_id, func.count())
            .where(*_sent(OutboxMessage.mailing_id.in_(list(on_one))), *within(OutboxMessage.sent_at, period))
            .group_by(OutboxMessage.mailing_id)
        )
        counted += [(*on_one[m], n) for m, n in rows]
    return counted + (_by_day(spread, period) if spread else [])


def _first_and_last(coalition_ids: Collection[int], since: datetime, until: datetime) -> list[Any]:
    """(mailing, coalition, first sent, last sent) of each of these coalitions' mailings that sent
    anything between ``since`` and ``until``: two index look-ups a mailing."""
    within_ = [
        OutboxMessage.mailing_id == Mailing.id,
        OutboxMessage.sent_at >= since,
        OutboxMessage.sent_at < until,
    ]
    first = select(func.min(OutboxMessage.sent_at)).where(*_sent(*within_)).scalar_subquery()
    last = select(func.max(OutboxMessage.sent_at)).where(*_sent(*within_)).scalar_subquery()
    rows = db.session.execute(
        select(Mailing.id, Mailing.coalition_id, first, last).where(
            *_own(coalition_ids), Mailing.started_at.is_not(None), Mailing.started_at < until
        )
    )
    return [(m, c, as_utc(first), as_utc(last)) for m, c, first, last in rows if first is not None]


def _by_day(mailings: dict[int, int], period: Period) -> list[DayCount]:
    day = day_in(OutboxMessage.sent_at, db.session.get_bind().dialect.name, period)
    rows = db.session.execute(
        select(OutboxMessage.mailing_id, day, func.count())
        .where(*_sent(OutboxMessage.mailing_id.in_(list(mailings))), *within(OutboxMessage.sent_at, period))
        .group_by(OutboxMessage.mailing_id, day)
    )
    return [(mailings[m], as_date(d), n) for m, d, n in rows]


def recent_mailings(coalition_ids: Collection[int], limit: int = 10) -> list[MailingFigures]:
    """The ``limit`` mailings of these coalitions that started sending last, newest first. A sent
    mailing's figures are kept (``MailingOutcome``): its messages sent and failed are final; its
    unsubscribes and bounces are counted again when ``REFRESH`` old until its window has closed,
    then final too. The rest is counted in three queries, whatever the number of mailings."""
    mailings = db.session.execute(
        select(Mailing.id, Mailing.coalition_id, Mailing.subject, Mailing.status)
        .add_columns(Mailing.started_at, Mailing.finished_at)
        .where(*_own(coalition_ids), Mailing.status.in_(STARTED), Mailing.started_at.is_not(None))
        .order_by(Mailing.started_at.desc(), Mailing.id.desc())
        .limit(limit)
    ).all()
    if not mailings:
        return []
    kept = {
        o.mailing_id: o
        for o in db.session.scalars(
            select(MailingOutcome).where(MailingOutcome.mailing_id.in_([m.id for m in mailings]))
        )
    }
    counted = _count([m for m in mailings if not (m.id in kept and _fresh(m, kept[m.id]))], kept)
    _keep([m for m in mailings if m.id in counted], counted, kept)
    return [
        MailingFigures(
            id=m.id,
            coalition_id=m.coalition_id,
            subject=m.subject,
            started_at=as_utc(m.started_at),
            status=str(m.status),
            **(counted[m.id] if m.id in counted else _as_figures(kept[m.id])),
        )
        for m in mailings
    ]


def _fresh(mailing: Any, outcome: MailingOutcome) -> bool:
    """Whether what was kept of a mailing can be shown as it is."""
    if outcome.final:
        return True
    return not _final(mailing) and as_utc(outcome.counted_at) > utcnow() - REFRESH  # type: ignore[operator]


def _final(mailing: Any) -> bool:
    """Whether all of a mailing's figures are final: sent, and its window closed."""
    finished = as_utc(mailing.finished_at)
    return mailing.status == MailingStatus.SENT and finished is not None and finished + WINDOW <= utcnow()


FIGURES = ("sent", "failed", "unsubscribed", "bounced", "complaints")


def _as_figures(outcome: MailingOutcome) -> dict[str, int]:
    return {name: getattr(outcome, name) for name in FIGURES}


def _count(mailings: list[Any], kept: dict[int, MailingOutcome]) -> dict[int, dict[str, int]]:
    """The figures of these mailings: messages sent and failed as kept, or counted; the rest counted."""
    if not mailings:
        return {}
    windows = _windows(mailings)
    outcomes = (
        _outcomes(_windows([m for m in mailings if m.id not in kept])) if len(kept) < len(mailings) else {}
    )
    for mailing_id, outcome in kept.items():
        outcomes |= {(mailing_id, str(OutboxStatus.SENT)): outcome.sent}
        outcomes |= {(mailing_id, str(OutboxStatus.FAILED)): outcome.failed}
    unsubscribed, reported = _unsubscribed(windows), _reported(windows)
    failed = {m.id: outcomes.get((m.id, str(OutboxStatus.FAILED)), 0) for m in mailings}
    return {
        m.id: {
            "sent": outcomes.get((m.id, str(OutboxStatus.SENT)), 0),
            "failed": failed[m.id],
            "unsubscribed": unsubscribed.get(m.id, 0),
            "bounced": failed[m.id] + reported.get((m.id, BOUNCE), 0),
            "complaints": reported.get((m.id, COMPLAINT), 0),
        }
        for m in mailings
    }


def _keep(mailings: list[Any], counted: dict[int, dict[str, int]], kept: dict[int, MailingOutcome]) -> None:
    """Keep the sent mailings' figures, and whether they are final."""
    for mailing in mailings:
        if mailing.status != MailingStatus.SENT:
            continue
        outcome = kept.get(mailing.id)
        if outcome is None:
            insert = dialect_insert(MailingOutcome).values(
                mailing_id=mailing.id, **counted[mailing.id], final=_final(mailing), counted_at=utcnow()
            )
            db.session.execute(insert.on_conflict_do_nothing())
        else:
            for name, value in counted[mailing.id].items():
                setattr(outcome, name, value)
            outcome.final, outcome.counted_at = _final(mailing), utcnow()


def _windows(mailings: list[Any]) -> Any:
    """Each mailing with its coalition and the window its unsubscribes and bounces are counted in:
    from its start to ``WINDOW`` after its end (or now, while it sends)."""
    now = utcnow()
    rows = [
        select(
            literal(m.id).label("mailing_id"),
            literal(m.coalition_id).label("coalition_id"),
            literal(as_utc(m.started_at), DateTime(timezone=True)).label("since"),
            literal((as_utc(m.finished_at) or now) + WINDOW, DateTime(timezone=True)).label("until"),
        )
        for m in mailings
    ]
    return union_all(*rows).subquery("windows")


def _outcomes(windows: Any) -> dict[tuple[int, str], int]:
    rows = db.session.execute(
        select(OutboxMessage.mailing_id, OutboxMessage.status, func.count())
        .where(
            OutboxMessage.mailing_id.in_(select(windows.c.mailing_id)),
            one_of(OutboxMessage.status, [OutboxStatus.SENT, OutboxStatus.FAILED]),
        )
        .group_by(OutboxMessage.mailing_id, OutboxMessage.status)
    )
    return {(m, str(status)): n for m, status, n in rows}


def _unsubscribed(windows: Any) -> dict[int, int]:
    """Recipients who withdrew their consent to the mailing's coalition after it reached them."""
    # The outbox row of (mailing, person) found by its idempotency key (``mailings._insert_rows``).
    key = (
        literal("mailing:")
        + cast(windows.c.mailing_id, String)
        + literal(":person:")
        + cast(ConsentEvent.person_id, String)
    )
    received = exists().where(
        OutboxMessage.idempotency_key == key,
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at <= ConsentEvent.created_at,
    )
    rows = db.session.execute(
        select(windows.c.mailing_id, func.count(ConsentEvent.person_id.distinct()))
        .join(
            ConsentEvent,
            and_(
                ConsentEvent.subject_type == ConsentSubject.COALITION,
                ConsentEvent.subject_id == windows.c.coalition_id,
                ConsentEvent.given == false(),  # as the partial index's WHERE (migration 0030)
                ConsentEvent.created_at >= windows.c.since,
                ConsentEvent.created_at < windows.c.until,
            ),
        )
        .where(received)
        .group_by(windows.c.mailing_id)
    )
    return {m: n for m, n in rows}


def _reported(windows: Any) -> dict[tuple[int, str], int]:
    """Addresses a mailing reached that the relay then reported bouncing (hard or soft), or
    complaining, per mailing."""
    what = case((MailEvent.kind == BounceKind.COMPLAINT, literal(COMPLAINT)), else_=literal(BOUNCE))
    received = exists().where(
        OutboxMessage.recipient == MailEvent.email,
        OutboxMessage.mailing_id == windows.c.mailing_id,
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at <= MailEvent.created_at,
    )
    within = and_(MailEvent.created_at >= windows.c.since, MailEvent.created_at < windows.c.until)
    rows = db.session.execute(
        select(windows.c.mailing_id, what, func.count(MailEvent.email.distinct()))
        .join(MailEvent, within)
        .where(received)
        .group_by(windows.c.mailing_id, what)
    )
    return {(m, kind): n for m, kind, n in rows}
