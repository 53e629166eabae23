"""Rate limits by name, for every public action form (signing, writing a letter, registering, and
those to come), as Warehouse's named rate limiter does it:

* ``public``: attempts per IP address over all actions (``ORGANISER_SIGN_RATE_LIMIT``); over it the
  answer is a 429 page.
* ``action_ip`` and ``action_domain``: attempts on one action per IP address and per e-mail domain
  (``ORGANISER_SIGN_IP_LIMIT``, ``ORGANISER_SIGN_DOMAIN_LIMIT``; big webmail domains,
  ``ORGANISER_SIGN_WEBMAIL_DOMAINS``, are exempt from the domain limit). Over them an action is
  kept but quietly marked, or dropped, and the person sees the same page: a bot learns nothing.

Each is a burst (per minute) and a sustained rate (per hour). With Redis the attempts are counted
there (fixed windows, one pipelined round trip); without it, in the limiter's storage, or, when the
action says where its rows are, as the people who acted on it in the window.
"""

from __future__ import annotations

import functools
import time
from datetime import timedelta
from typing import Any

from flask import current_app
from limits import parse_many
from sqlalchemy import func, select

from organiser.db import db, utcnow
from organiser.jobs import redis_connection

SETTINGS = {"public": "SIGN_RATE_LIMIT", "action_ip": "SIGN_IP_LIMIT", "action_domain": "SIGN_DOMAIN_LIMIT"}


def windows(name: str) -> tuple[tuple[int, int], ...]:
    """(amount, seconds) pairs of the named limit, from its setting ("10 per minute;100 per hour")."""
    return _parsed(current_app.config[SETTINGS[name]])


@functools.lru_cache(maxsize=64)
def _parsed(value: str) -> tuple[tuple[int, int], ...]:  # parsed once per value, not per request
    return tuple((item.amount, item.get_expiry()) for item in parse_many(value))


def public_key(ip: str, seconds: int, now: int) -> str:
    """The Redis counter of a public-form attempt from ``ip`` in a fixed window of ``seconds``."""
    return f"organiser:sign-coarse:{ip}:{seconds}:{now // seconds}"


def action_key(scope: int | str, kind: str, value: str, seconds: int, now: int) -> str:
    """The Redis counter of an action's attempts (a petition's id, or another action's scope such as
    ``letters-<id>``) from one IP or e-mail domain in a window."""
    return f"organiser:sign-limit:{scope}:{kind}:{value}:{seconds}:{now // seconds}"


def over_public_limit(ip: str) -> bool:
    """Count an attempt against the ``public`` limit for its IP; True if it goes over."""
    conn = redis_connection()
    if conn is None:
        return _over_in_storage("public", ip)
    now = int(time.time())
    checks = [(public_key(ip, seconds, now), amount, seconds) for amount, seconds in windows("public")]
    return _over_in_redis(conn, checks)


def action_checks(ip: str, domain: str) -> list[tuple[str, str, int, int]]:
    """The ``action_ip`` and ``action_domain`` limits an attempt counts against:
    (kind, value, amount, seconds)."""
    checks = [("ip", ip, amount, seconds) for amount, seconds in windows("action_ip")]
    if domain and domain not in current_app.config["SIGN_WEBMAIL_DOMAINS"]:
        checks += [("domain", domain, amount, seconds) for amount, seconds in windows("action_domain")]
    return checks


def over_action_limit(
    key: int | str, ip: str, domain: str = "", *, model: Any = None, scope: Any = None
) -> bool:
    """Count an attempt on one action (``key`` names its counters: a petition's id, ``letters-<id>``);
    True if it goes over. Without Redis: the people who acted on it (``model`` rows matching
    ``scope``, with ``ip``, ``email_domain``, ``person_id`` and ``created_at``) in the window, or,
    with no ``model``, the limiter's storage."""
    checks = action_checks(ip, domain)
    conn = redis_connection()
    if conn is not None:
        now = int(time.time())
        keyed = [
            (action_key(key, kind, value, seconds, now), amount, seconds)
            for kind, value, amount, seconds in checks
        ]
        return _over_in_redis(conn, keyed)
    if model is None:
        return _over_in_storage("action_ip", str(key), ip)
    return any(
        _acted_recently(model, scope, kind, value, seconds) >= amount
        for kind, value, amount, seconds in checks
    )


def _acted_recently(model: Any, scope: Any, kind: str, value: str, seconds: int) -> int:
    column = model.ip if kind == "ip" else model.email_domain
    since = utcnow() - timedelta(seconds=seconds)
    count = func.count(func.distinct(model.person_id))
    return int(db.session.scalar(select(count).where(scope, column == value, model.created_at >= since)) or 0)


def _over_in_redis(conn: Any, checks: list[tuple[str, int, int]]) -> bool:
    pipe = conn.pipeline(transaction=False)
    for key, _amount, seconds in checks:
        pipe.incr(key)
        pipe.expire(key, seconds, nx=True)
    counts = pipe.execute()[::2]
    return any(n > amount for n, (_key, amount, _s) in zip(counts, checks, strict=True))


def _over_in_storage(name: str, *identifiers: str) -> bool:
    from organiser.extensions import limiter

    items = parse_many(current_app.config[SETTINGS[name]])
    return not all([limiter.limiter.hit(item, f"organiser-{name}", *identifiers) for item in items])
