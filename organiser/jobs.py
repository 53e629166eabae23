"""Background jobs: queued on RQ after the commit, or run in-process when there is no Redis.

Jobs carry ids, never ORM objects or message bodies, and keep no results in Redis.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue
from sqlalchemy import event

from organiser.db import AppSession, db

log = logging.getLogger(__name__)

# Workers listen in this order: transactional mail goes ahead of everything else.
QUEUE_NAMES = ("transactional", "default", "bulk")
_PENDING = "organiser.pending_jobs"
JOB_TIMEOUT = 600  # seconds before RQ stops a job (one may ask for more: a long selection by lot)
_SAVEPOINTS = "organiser.pending_jobs_at_savepoints"
_worker_app: Flask | None = None


@dataclass(frozen=True)
class Sweep:
    """Maintenance a package asks the workers to run at start and every SWEEP_INTERVAL seconds (and
    the embedded sweeper thread, when ``needs_redis`` is false), in a transaction of its own."""

    name: str
    run: Callable[[], None]
    needs_redis: bool = False


_sweeps: dict[str, Sweep] = {}


def register_sweep(sweep: Sweep) -> None:
    _sweeps[sweep.name] = sweep


def sweeps() -> list[Sweep]:
    return list(_sweeps.values())


def set_worker_app(app: Flask) -> None:
    """The app a worker process runs its jobs in."""
    global _worker_app
    _worker_app = app


def _job_app() -> Flask:
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:  # a bare ``rq worker``, not ``organiser worker``: build the app by name
        # (the app factory sits above every package; jobs sit below them all)
        _worker_app = importlib.import_module("organiser").create_app()
    return _worker_app


def job(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``fn`` in a fresh app context with its own session, committed once at the end."""

    @functools.wraps(fn)
    def run(*args: Any) -> Any:
        with _job_app().app_context():
            try:
                result = fn(*args)
                db.session.commit()
                return result
            except BaseException:
                db.session.rollback()
                raise

    return run


def redis_connection(app: Flask | None = None) -> Redis | None:
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    conn = app.extensions.get("organiser.redis")
    if conn is None:
        conn = app.extensions["organiser.redis"] = Redis.from_url(url, socket_timeout=10)
    return conn


def get_queue(name: str, app: Flask | None = None) -> Queue:
    conn = redis_connection(app)
    if conn is None:
        raise RuntimeError("REDIS_URL is not set: jobs run in-process.")
    return Queue(name, connection=conn)


UNIQUE_TTL = 120  # seconds a "job already queued" flag lives if its job never clears it


def enqueue_after_commit(
    func: Callable[..., Any],
    *args: Any,
    queue: str = "default",
    unique: str | None = None,
    timeout: int = JOB_TIMEOUT,
) -> None:
    """Queue ``func(*args)`` once the current transaction commits; a rollback drops it.

    With ``unique`` (a Redis key), the job is not queued while another with the same key is
    waiting: the job calls ``release_unique(key)`` when it starts. A lost flag expires by itself.
    Such a job goes to the front of its queue: there is at most one of its kind, so it cannot
    starve the others, and it does not wait behind a surge of mail.
    """
    pending = db.session().info.setdefault(_PENDING, [])
    if unique is not None and any(p[3] == unique for p in pending):
        return
    pending.append((func, args, queue, unique, timeout))


def take_unique(key: str, *, refresh: bool = False) -> bool:
    """Set the "queued" flag ``key`` if no one holds it; True if this caller now holds it (and so
    must do the work). ``refresh``: the holder keeps it from expiring while it works. Without
    Redis there are no flags: always True."""
    conn = redis_connection()
    if conn is None:
        return True
    if refresh:
        return bool(conn.set(key, 1, ex=UNIQUE_TTL))
    return bool(conn.set(key, 1, nx=True, ex=UNIQUE_TTL))


def release_unique(key: str) -> None:
    """Let the next ``enqueue_after_commit(..., unique=key)`` queue a job again."""
    conn = redis_connection()
    if conn is not None:
        conn.delete(key)


def dispatch(
    func: Callable[..., Any],
    *args: Any,
    queue: str = "default",
    unique: str | None = None,
    pipeline: Any = None,
    timeout: int = JOB_TIMEOUT,
) -> None:
    """Hand a job to RQ now (in ``pipeline`` if given: the caller executes it), or run it here when
    there is no Redis (the embedded default). ``timeout``: seconds before RQ stops the job."""
    conn = redis_connection()
    if conn is not None:
        if unique is not None and not conn.set(unique, 1, nx=True, ex=UNIQUE_TTL):
            return  # one is queued already and will see this transaction's rows
        get_queue(queue).enqueue(
            func,
            *args,
            result_ttl=0,
            failure_ttl=7 * 86400,
            job_timeout=timeout,
            pipeline=pipeline,
            at_front=unique is not None,
        )
        return
    try:
        func(*args)
    except Exception:
        # In-process, a failed job must not fail the request that committed before it;
        # the ledger keeps what is still to do.
        log.exception("in-process job %s%r failed", getattr(func, "__name__", func), args)


@event.listens_for(AppSession, "after_transaction_create")
def _mark_savepoint(session: AppSession, transaction: Any) -> None:
    """Remember how many jobs were pending when a savepoint began: rolling it back drops only the
    jobs queued inside it."""
    if transaction.nested:
        session.info.setdefault(_SAVEPOINTS, {})[transaction] = len(session.info.get(_PENDING, []))


@event.listens_for(AppSession, "after_commit")
def _dispatch_pending(session: AppSession) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: its jobs wait for the real commit
    session.info.pop(_SAVEPOINTS, None)
    pending = session.info.pop(_PENDING, [])
    conn = redis_connection() if pending else None
    # One round trip to Redis for all of a transaction's jobs (RQ would make two per job).
    pipeline = conn.pipeline() if conn is not None else None
    for func, args, queue, unique, timeout in pending:
        dispatch(func, *args, queue=queue, unique=unique, pipeline=pipeline, timeout=timeout)
    if pipeline is not None:
        pipeline.execute()


@event.listens_for(AppSession, "after_rollback")
def _drop_pending(session: AppSession) -> None:
    if session.in_nested_transaction():  # a savepoint rolled back: only what it queued goes
        mark = session.info.get(_SAVEPOINTS, {}).pop(session.get_nested_transaction(), None)
        if mark is not None and _PENDING in session.info:
            del session.info[_PENDING][mark:]
        return
    session.info.pop(_SAVEPOINTS, None)
    session.info.pop(_PENDING, None)


def _dispose_engine_in_child() -> None:
    """A forked work horse must not share its parent's pooled database connections."""
    if _worker_app is not None:
        _worker_app.extensions["organiser.engine"].dispose(close=False)


os.register_at_fork(after_in_child=_dispose_engine_in_child)
