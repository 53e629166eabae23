"""Anti-abuse for petitions, as alphagov/e-petitions does it.

* **Rate limits per petition**, per IP address and per e-mail domain, each a burst (per minute)
  and a sustained rate (per hour), from ``ORGANISER_SIGN_IP_LIMIT`` and
  ``ORGANISER_SIGN_DOMAIN_LIMIT``. Big webmail domains (``ORGANISER_SIGN_WEBMAIL_DOMAINS``) are
  exempt from the domain limit. Attempts are counted in Redis (fixed windows, one pipelined round
  trip) when it is configured, in the database (the petition's signatures in the window) otherwise.
  A signature over a limit is stored but marked ``over_limit``: never e-mailed, never counted, and
  the person sees the same "check your e-mail" page, so a bot learns nothing.
* **Trending** IP addresses and domains over the last hour and day, for coordinators.
* **Bulk invalidation** by filter (domain, IP, time window), recorded as an ``Invalidation`` with
  who, when, why and how many; the signatures are marked, not deleted, the petition is recounted,
  and reverting restores them and recounts again.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from limits import parse_many
from sqlalchemy import ColumnElement, and_, case, func, select, update

from organiser.actions.petitions.counting import _lock_petition, recount
from organiser.actions.petitions.models import Invalidation, Petition, Signature, SignatureState
from organiser.db import db, utcnow
from organiser.jobs import redis_connection

log = logging.getLogger(__name__)

NOT_TAKEN_OUT = (
    SignatureState.PENDING,
    SignatureState.CONFIRMED,
    SignatureState.COUNTED,
)  # may be invalidated


# ---- rate limits ----------------------------------------------------------------------------------


def _limits(setting: str) -> tuple[tuple[int, int], ...]:
    """(amount, seconds) pairs from a setting such as "10 per minute;100 per hour"."""
    return _parsed_limits(current_app.config[setting])


@functools.lru_cache(maxsize=64)
def _parsed_limits(value: str) -> tuple[tuple[int, int], ...]:  # parsed once per value, not per request
    return tuple((item.amount, item.get_expiry()) for item in parse_many(value))


def coarse_key(ip: str, seconds: int, now: int) -> str:
    """The Redis counter of a sign attempt from ``ip`` in a fixed window of ``seconds``."""
    return f"organiser:sign-coarse:{ip}:{seconds}:{now // seconds}"


def limit_key(scope: int | str, kind: str, value: str, seconds: int, now: int) -> str:
    """The Redis counter of an action's attempts (a petition's id, or another action's scope such as
    ``letters-<id>``) from one IP or e-mail domain in a window."""
    return f"organiser:sign-limit:{scope}:{kind}:{value}:{seconds}:{now // seconds}"


def coarse_limited(ip: str) -> bool:
    """Count a sign request against ``SIGN_RATE_LIMIT`` for its IP over all petitions; True if it
    goes over (answered with a 429 page). With Redis, one pipelined round trip for every window
    (Flask-Limiter's decorator took two, plus its headers); otherwise the limiter's own storage."""
    windows = _limits("SIGN_RATE_LIMIT")
    conn = redis_connection()
    if conn is not None:
        now = int(time.time())
        pipe = conn.pipeline(transaction=False)
        for _amount, seconds in windows:
            key = coarse_key(ip, seconds, now)
            pipe.incr(key)
            pipe.expire(key, seconds, nx=True)
        counts = pipe.execute()[::2]
        return any(n > amount for n, (amount, _s) in zip(counts, windows, strict=True))
    from organiser.extensions import limiter

    items = parse_many(current_app.config["SIGN_RATE_LIMIT"])
    return not all([limiter.limiter.hit(item, "organiser-sign", ip) for item in items])


def petition_checks(ip: str, domain: str) -> list[tuple[str, str, int, int]]:
    """The per-petition limits an attempt from this IP and e-mail domain counts against:
    (kind, value, amount, seconds)."""
    checks: list[tuple[str, str, int, int]] = [
        ("ip", ip, amount, seconds) for amount, seconds in _limits("SIGN_IP_LIMIT")
    ]
    if domain and domain not in current_app.config["SIGN_WEBMAIL_DOMAINS"]:
        checks += [("domain", domain, amount, seconds) for amount, seconds in _limits("SIGN_DOMAIN_LIMIT")]
    return checks


def over_limit(petition_id: int, ip: str, domain: str) -> bool:
    """Count this attempt; True if it goes over a per-petition limit for its IP or e-mail domain."""
    return over_action_limit(
        petition_id, ip, domain, model=Signature, scope=Signature.petition_id == petition_id
    )


def over_action_limit(key: int | str, ip: str, domain: str, *, model: Any, scope: Any) -> bool:
    """The per-petition limits, for any action: ``key`` names its counters in Redis (a petition's
    id, ``letters-<id>``); without Redis, the people who acted on it (``model`` rows matching
    ``scope``, with ``ip``, ``email_domain``, ``person_id`` and ``created_at``) in the window."""
    checks = petition_checks(ip, domain)
    if not checks:
        return False
    conn = redis_connection()
    if conn is not None:
        return _over_in_redis(conn, key, checks)
    now = utcnow()
    for kind, value, amount, seconds in checks:
        column = model.ip if kind == "ip" else model.email_domain
        recent = db.session.scalar(
            select(func.count(func.distinct(model.person_id))).where(
                scope, column == value, model.created_at >= now - timedelta(seconds=seconds)
            )
        )
        if recent >= amount:  # this attempt would be one more than allowed
            return True
    return False


def _over_in_redis(conn: Any, scope: int | str, checks: list[tuple[str, str, int, int]]) -> bool:
    now = int(time.time())
    pipe = conn.pipeline(transaction=False)
    for kind, value, _amount, seconds in checks:
        key = limit_key(scope, kind, value, seconds, now)
        pipe.incr(key)
        pipe.expire(key, seconds, nx=True)
    counts = pipe.execute()[::2]
    return any(n > amount for n, (_kind, _value, amount, _s) in zip(counts, checks, strict=True))


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
    _lock_petition(petition.id)
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
    _lock_petition(record.petition_id)
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
