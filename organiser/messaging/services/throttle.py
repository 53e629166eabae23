"""A token bucket per relay, kept in Redis so that every worker on every machine shares it."""

from __future__ import annotations

import threading
import time

from flask import current_app
from redis import Redis

# Tokens may go negative: a taker that finds the bucket short is told how long to sleep, and its
# debt makes the next taker wait too, so N workers together never exceed the rate.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, burst, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1]) or burst
local ts = tonumber(data[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate) - want
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
if tokens >= 0 then return '0' end
return tostring(-tokens / rate)
"""


class TokenBucket:
    """``take()`` blocks until a message may go out at ``rate`` per second (``burst`` at once)."""

    def __init__(
        self, rate: float, burst: float | None = None, redis: Redis | None = None, key: str = ""
    ) -> None:
        self.rate, self.burst = rate, burst if burst is not None else max(rate, 1.0)
        self.redis, self.key = redis, key
        self._script = redis.register_script(_TAKE) if redis is not None else None
        self._lock = threading.Lock()
        self._tokens, self._ts = self.burst, time.monotonic()

    def wait_time(self, n: float = 1.0) -> float:
        if self._script is not None:
            return float(self._script(keys=[self.key], args=[self.rate, self.burst, n]))
        with self._lock:  # no Redis: one process, one bucket
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._ts) * self.rate) - n
            self._ts = now
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def take(self, n: float = 1.0) -> None:
        delay = self.wait_time(n)
        if delay > 0:
            time.sleep(delay)


def relay_bucket() -> TokenBucket | None:
    """The bucket for the configured relay, or None when no rate is set."""
    from organiser.jobs import redis_connection

    rate = float(current_app.config.get("MAIL_RATE_LIMIT") or 0)
    if rate <= 0:
        return None
    key = f"organiser:throttle:{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}"
    return TokenBucket(rate, redis=redis_connection(), key=key)
