"""Anti-abuse for petitions, as alphagov/e-petitions does it.

* **Rate limits per petition**, per IP address and per e-mail domain (the named limits of
  ``organiser.web.limits``), counted in Redis, or in the database (the petition's signatures in the
  window). A signature over a limit is stored but marked ``over_limit``: never e-mailed, never
  counted, and the person sees the same "check your e-mail" page, so a bot learns nothing.
* **Trending** IP addresses and domains over the last hour and day, for coordinators.
* **Bulk invalidation** by filter (domain, IP, time window), recorded as an ``Invalidation`` with
  who, when, why and how many; the signatures are marked, not deleted, the petition is recounted,
  and reverting restores them and recounts again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, update

from organiser.actions.petitions.counting import lock_petition, recount
from organiser.actions.petitions.models import Invalidation, Petition, Signature, SignatureState
from organiser.db import db, utcnow
from organiser.web import limits
from organiser.web.tallies import past_changed

log = logging.getLogger(__name__)

NOT_TAKEN_OUT = (
    SignatureState.PENDING,
    SignatureState.CONFIRMED,
    SignatureState.COUNTED,
)  # may be invalidated


# ---- rate limits ----------------------------------------------------------------------------------


def over_limit(petition_id: int, ip: str, domain: str) -> bool:
    """Count this attempt; True if it goes over a per-petition limit for its IP or e-mail domain
    (the named limits ``action_ip`` and ``action_domain``, ``organiser.web.limits``)."""
    return limits.over_action_limit(
        petition_id, ip, domain, model=Signature, scope=Signature.petition_id == petition_id
    )


# ---- trending -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    value: str
    last_hour: int
    last_day: int
    flagged: int  # over a limit or invalidated, in the last day


def trending(petition: Petition, column: Any, limit: int = 20) -> list[Trend]:
    """The IP addresses or e-mail domains that signed most in the last day, busiest hour first."""
    now = utcnow()
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    flagged = Signature.state.in_((SignatureState.OVER_LIMIT, SignatureState.INVALIDATED))
    last_hour = func.sum(case((Signature.created_at >= hour_ago, 1), else_=0))
    rows = db.session.execute(
        select(column, last_hour, func.count(), func.sum(case((flagged, 1), else_=0)))
        .where(Signature.petition_id == petition.id, Signature.created_at >= day_ago)
        .group_by(column)
        .order_by(last_hour.desc(), func.count().desc(), column)
        .limit(limit)
    ).all()
    return [
        Trend(str(value or ""), int(hour or 0), int(day), int(bad or 0)) for value, hour, day, bad in rows
    ]


def counts_by_state(petition: Petition) -> dict[str, int]:
    rows = db.session.execute(
        select(Signature.state, func.count())
        .where(Signature.petition_id == petition.id)
        .group_by(Signature.state)
    ).all()
    return {str(state): n for state, n in rows}


# ---- bulk invalidation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureFilter:
    """Which of a petition's signatures to invalidate; at least one part must be given."""

    domain: str = ""
    ip: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def is_empty(self) -> bool:
        return not (self.domain or self.ip or self.since or self.until)

    def condition(self, petition_id: int) -> ColumnElement[bool]:
        parts = [Signature.petition_id == petition_id]
        if self.domain:
            parts.append(Signature.email_domain == self.domain.strip().lower())
        if self.ip:
            parts.append(Signature.ip == self.ip.strip())
        if self.since:
            parts.append(Signature.created_at >= self.since)
        if self.until:
            parts.append(Signature.created_at < self.until)
        return and_(*parts)

    def as_dict(self) -> dict[str, str]:
        values = {
            "domain": self.domain.strip().lower(),
            "ip": self.ip.strip(),
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in values.items() if value}


def matching(petition: Petition, filters: SignatureFilter) -> int:
    """How many of the petition's valid signatures the filter would invalidate."""
    return db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(filters.condition(petition.id), Signature.state.in_(NOT_TAKEN_OUT))
    )


def invalidate(petition: Petition, filters: SignatureFilter, *, reason: str, by: Any) -> Invalidation:
    """Mark the matching valid signatures invalidated (kept, not deleted) and recount."""
    if filters.is_empty():
        raise ValueError("an invalidation needs at least one filter")
    lock_petition(petition.id)
    record = Invalidation(
        petition_id=petition.id, filters=filters.as_dict(), reason=reason, created_by_id=by.id
    )
    db.session.add(record)
    db.session.flush()
    record.matched = db.session.execute(
        update(Signature)
        .where(filters.condition(petition.id), Signature.state.in_(NOT_TAKEN_OUT))
        .values(state=SignatureState.INVALIDATED, invalidation_id=record.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    recount(petition.id)
    past_changed(petition.coalition_id)
    log.info(
        "petition %s: %s signatures invalidated by %s (invalidation %s, %s)",
        petition.id,
        record.matched,
        by.id,
        record.id,
        record.filters,
    )
    return record


class AlreadyReverted(Exception):
    pass


def revert(record: Invalidation, *, by: Any) -> int:
    """Restore the signatures an invalidation took out (pending or confirmed, as they were) and
    recount; returns how many were restored."""
    lock_petition(record.petition_id)
    db.session.refresh(record)
    if record.reverted_at is not None:
        raise AlreadyReverted
    restored = db.session.execute(
        update(Signature)
        .where(Signature.invalidation_id == record.id, Signature.state == SignatureState.INVALIDATED)
        .values(
            state=case(
                (Signature.confirmed_at.is_(None), SignatureState.PENDING), else_=SignatureState.CONFIRMED
            ),
            invalidation_id=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    record.reverted_at, record.reverted_by_id = utcnow(), by.id
    recount(record.petition_id)
    past_changed(db.session.get(Petition, record.petition_id).coalition_id)  # type: ignore[union-attr]
    log.info(
        "petition %s: invalidation %s reverted by %s (%s restored)",
        record.petition_id,
        record.id,
        by.id,
        restored,
    )
    return restored


def invalidations_of(petition: Petition) -> list[Invalidation]:
    query = (
        select(Invalidation)
        .where(Invalidation.petition_id == petition.id)
        .order_by(Invalidation.created_at.desc(), Invalidation.id.desc())
    )
    return list(db.session.scalars(query))
