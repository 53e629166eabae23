"""Signature intake for a surge: with Redis, a valid signature on an open petition costs its request
one round trip to Redis and no database statement at all; a job writes the signatures in batches.

Why this is safe. A signature is worth nothing until its confirmation e-mail is sent and the link in
it is followed, and that e-mail was always handed over through Redis (an RQ job). Keeping the pending
signature itself in Redis until the next batch (milliseconds to a second) adds no new way to lose
it; what must be durable, the confirmation, is written to the database in the confirming request.
Redis should keep its data on disk (``appendonly yes``), as it should for RQ. Double opt-in, one
signature per person and petition, the rate limits and the confirmation re-send cap are those of
``signing.sign``: the job calls it for each signature of the batch, inside one transaction.

One request (``accept``): one Lua script run in Redis counts the attempt against the coarse per-IP
limit (over it: nothing is stored and the answer is 429), then against the petition's per-IP and
per-domain limits (over them: stored as ``over_limit``, never e-mailed nor counted, as before),
appends the signature to a Redis list and sets the "ingest job queued" flag; only if the flag was
free is an RQ job queued. The answer is always "check your e-mail": someone who signed already gets
an e-mail that says so (the page cannot know yet, and so tells no one whether an address signed).

The job (``ingest_signatures``): takes up to ``INTAKE_BATCH_SIZE`` signatures from the head of the
list, signs them in one transaction, commits, only then removes them from the list, and sends the
confirmation e-mails it queued. If it dies between the commit and the removal, the next job signs
them again: the unique (petition, person) constraint makes that a "signed again", so nothing counts
twice (at worst one confirmation e-mail goes out twice). Like the delivery job, it waits a little
for more before it ends, and hands over to a fresh job after a few minutes. A signature that
cannot be written is moved to a dead-letter list and logged, so one bad entry never blocks the
others.

Without Redis (the embedded default) there is no intake: the request signs directly.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from redis.commands.core import Script

from organiser.actions.petitions.forms import SignForm
from organiser.db import db
from organiser.jobs import UNIQUE_TTL, dispatch, job, redis_connection, release_unique, take_unique
from organiser.people.services import supporter_email
from organiser.web import limits
from organiser.web.forms import submitted_fields

log = logging.getLogger(__name__)

INTAKE_LIST = "organiser:sign-intake"
DEAD_LETTERS = "organiser:sign-intake:failed"
INGEST_FLAG = "organiser:ingest-signatures:queued"
HAND_OVER_AFTER = 240  # seconds one ingest job works through a surge before a fresh one takes over
LINGER, LINGER_POLL = 2.0, 0.05  # seconds it waits for more signatures before it ends, how often it looks
# A batch has a fixed cost (a dozen statements: commit, claiming and recording the e-mails): a batch
# is taken at most this often unless a full one waits, so a surge is written in batches of hundreds.
# It is what a signer may wait for their e-mail, on top of sending it.
BATCH_INTERVAL = 0.5

# KEYS: the coarse windows' counters, the petition's limit counters, the intake list, the job flag.
# ARGV: how many of each, then (amount, seconds) per counter, then the entry and the flag's lifetime.
_ACCEPT = """
local coarse, limits = tonumber(ARGV[1]), tonumber(ARGV[2])
local a, over = 3, false
for i = 1, coarse do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[a + 1])) end
  if n > tonumber(ARGV[a]) then over = true end
  a = a + 2
end
if over then return {0, 0} end
local flagged = '0'
for i = coarse + 1, coarse + limits do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[a + 1])) end
  if n > tonumber(ARGV[a]) then flagged = '1' end
  a = a + 2
end
redis.call('RPUSH', KEYS[coarse + limits + 1], flagged .. ARGV[a])
local free = redis.call('SET', KEYS[coarse + limits + 2], '1', 'NX', 'EX', tonumber(ARGV[a + 1]))
if free then return {1, 1} end
return {1, 0}
"""
_scripts: dict[int, Script] = {}  # per Redis client: runs by its SHA (EVALSHA), loaded when missing


def _accept_script(conn: Any) -> Script:
    script = _scripts.get(id(conn))
    if script is None:
        script = _scripts[id(conn)] = conn.register_script(_ACCEPT)
    return script


def enabled() -> bool:
    return redis_connection() is not None


def accept(
    petition_id: int, data: dict[str, Any], source: dict[str, str], language: str, *, limited: bool = True
) -> bool:
    """Hand a valid signature to the intake; False if its IP went over the coarse limit (a 429).
    ``limited=False``: no per-IP nor per-domain limit (the API's helper: its key has its own)."""
    conn = redis_connection()
    assert conn is not None, "the intake needs Redis"
    now = time.time()
    ip = source.get("ip", "")
    domain = supporter_email(data["email"]).rpartition("@")[2]
    keys: list[str] = []
    args: list[Any] = []
    coarse = limits.windows("public") if limited else ()
    for amount, seconds in coarse:
        keys.append(limits.public_key(ip, seconds, int(now)))
        args += [amount, seconds]
    checks = limits.action_checks(ip, domain) if limited else []
    for kind, value, amount, seconds in checks:
        keys.append(limits.action_key(petition_id, kind, value, seconds, int(now)))
        args += [amount, seconds]
    keys += [INTAKE_LIST, INGEST_FLAG]
    taken, queue_job = _accept_script(conn)(
        keys=keys,
        args=[
            len(coarse),
            len(checks),
            *args,
            encode(petition_id, data, source, language, at=now)[1:],
            UNIQUE_TTL,
        ],
    )
    if not taken:
        return False
    if queue_job:
        dispatch(ingest_signatures, queue="transactional")  # the flag is ours already: no `unique`
    return True


def encode(
    petition_id: int,
    data: dict[str, Any],
    source: dict[str, str],
    language: str,
    *,
    at: float,
    flagged: bool = False,
) -> str:
    """A signature as it waits in the intake: "0" (or "1": over a rate limit) and JSON."""
    entry = {
        "petition_id": petition_id,
        "language": language,
        "at": at,
        "data": {key: data.get(key) for key in SIGN_FIELDS},
        "source": source,
    }
    return ("1" if flagged else "0") + json.dumps(entry, separators=(",", ":"))


SIGN_FIELDS = submitted_fields(SignForm)  # what the sign form asks: a new field waits here too


def batch_size() -> int:
    return int(current_app.config.get("INTAKE_BATCH_SIZE") or 200)


@job
def ingest_signatures() -> int:
    """Write the intake's signatures to the database, batch after batch, while a surge lasts."""
    conn = redis_connection()
    if conn is None:
        return 0
    started, written, idle_since = time.monotonic(), 0, None
    try:
        while True:
            entries = conn.lrange(INTAKE_LIST, 0, batch_size() - 1)
            if not entries:
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since < LINGER:
                    time.sleep(LINGER_POLL)
                    continue
                release_unique(INGEST_FLAG)
                # One added in between found the flag still set: take it back and go on, or leave
                # it to the job its signer queued.
                if not conn.llen(INTAKE_LIST) or not take_unique(INGEST_FLAG):
                    return written
                continue
            if time.monotonic() - started > HAND_OVER_AFTER:
                release_unique(INGEST_FLAG)
                if take_unique(INGEST_FLAG):
                    dispatch(ingest_signatures, queue="transactional")
                return written
            idle_since = None
            take_unique(INGEST_FLAG, refresh=True)
            batch_started = time.monotonic()
            written += write_batch(entries, taken_from_intake=True)
            if len(entries) < batch_size():  # not a full batch: let the next one gather
                time.sleep(max(0.0, BATCH_INTERVAL - (time.monotonic() - batch_started)))
    except BaseException:
        release_unique(INGEST_FLAG)  # the next signer queues a job again at once
        raise


def write_batch(entries: list[bytes], *, taken_from_intake: bool = False) -> int:
    """Sign each entry, all in one transaction (one by one if that fails), commit, take them off the
    head of the intake (when they came from there), and send the confirmation e-mails (a crash
    before that leaves them in the outbox, where the sweep finds them). Returns how many were
    written."""
    conn = redis_connection()
    try:
        _sign_entries(entries)
        db.session.commit()
        written = len(entries)
    except Exception:
        db.session.rollback()
        log.exception("an intake batch of %s failed; signing them one by one", len(entries))
        written = 0
        for entry in entries:
            try:
                _sign_entries([entry])
                db.session.commit()
                written += 1
            except Exception:
                db.session.rollback()
                log.exception("an intake entry could not be signed; kept in %s", DEAD_LETTERS)
                if conn is not None:
                    conn.rpush(DEAD_LETTERS, entry)
    if taken_from_intake and conn is not None:
        conn.ltrim(INTAKE_LIST, len(entries), -1)
    _send_confirmations()
    return written


def _sign_entries(entries: list[bytes]) -> None:
    from organiser.actions.petitions.models import Petition
    from organiser.actions.petitions.signing import Entry, sign_many

    petitions: dict[int, Petition | None] = {}
    batch = []
    for raw in entries:
        text = raw.decode() if isinstance(raw, bytes) else raw
        flagged, entry = text[0] == "1", json.loads(text[1:])
        petition_id = entry["petition_id"]
        if petition_id not in petitions:
            petitions[petition_id] = db.session.get(Petition, petition_id)
        petition = petitions[petition_id]
        if petition is None:  # deleted since: nothing to sign
            continue
        at = datetime.fromtimestamp(entry["at"], tz=UTC)
        batch.append(Entry(petition, entry["data"], entry["source"], flagged, at, entry["language"]))
    sign_many(batch)


def _send_confirmations() -> None:
    """The confirmations just queued, sent by this job: one worker may be all there is, and this job
    keeps it busy while the surge lasts. (The delivery job queued for them finds them sent.)"""
    from organiser.messaging.models import MailStream
    from organiser.messaging.services.outbox import claim, due_message_ids, send_claimed

    size = int(current_app.config.get("OUTBOX_BATCH_SIZE") or 200)
    while True:
        rows = claim(due_message_ids(str(MailStream.TRANSACTIONAL), size))
        if not rows:
            return
        send_claimed(rows)
        if len(rows) < size:
            return


def pending() -> int:
    """How many signatures wait in the intake (for the maintenance sweep and the benchmark)."""
    conn = redis_connection()
    return int(conn.llen(INTAKE_LIST)) if conn is not None else 0


def sweep() -> bool:
    """Queue an ingest job if signatures wait and none is queued (its flag expired after a crash)."""
    conn = redis_connection()
    if conn is None or not conn.llen(INTAKE_LIST) or not take_unique(INGEST_FLAG):
        return False
    dispatch(ingest_signatures, queue="transactional")
    return True
