"""The RQ worker: the standard forking worker, plus the outbox and count sweeps in its maintenance loop
(which also closes petitions whose close date has passed, runs the daily retention, and queues a
job for signatures left waiting in the intake, organiser/actions/intake.py).

The sweep runs in the worker's main process between jobs (never in a thread, which would not
survive the fork of a work horse), at start and every SWEEP_INTERVAL seconds, so that even with
Redis emptied by a restart every due message is handed out again, and every confirmed signature
is counted (organiser/actions/counting.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask
from rq import Worker

from organiser.db import db

log = logging.getLogger(__name__)


class OrganiserWorker(Worker):
    app: Flask

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        sweep_once(self.app, intake=True)


def sweep_once(app: Flask, *, intake: bool = False) -> None:
    """One pass of every sweep, each in a short transaction of its own: committed when it worked,
    rolled back when it failed (logged; the next pass tries again), and the session removed at the
    end. On SQLite a sweep that kept its transaction open would make every request wait for it."""
    with app.app_context():
        _step("outbox sweep", _sweep_outbox)
        if intake:
            _step("intake sweep", _sweep_intake)
        _step("retention run", run_daily_retention)
        _step("closing overdue petitions", _close_overdue_petitions)
        _step("count sweep", _sweep_counts)


def _step(name: str, sweep: Callable[[], None]) -> None:
    try:
        sweep()
        db.session.commit()
    except Exception:  # a sweep must never stop the worker or the web process
        log.exception("%s failed", name)
        db.session.rollback()


def _sweep_outbox() -> None:
    from organiser.messaging.services.outbox import sweep_outbox

    handed = sweep_outbox()
    if handed:
        log.info("sweeper handed %s due outbox messages to the queues", handed)


def _sweep_intake() -> None:
    """Signatures waiting in the intake with no ingest job to write them (its flag outlived a crash)."""
    from organiser.actions.intake import sweep

    if sweep():
        log.info("intake sweep queued a job for the signatures waiting in Redis")


def run_daily_retention() -> None:
    """Retention and IP minimisation, at most once a day across all workers (the last run's time
    is in the database); the check is made at most once an hour."""
    import time

    from organiser.privacy.services import retention_due, run_retention

    global _retention_checked
    if time.monotonic() - _retention_checked < 3600:
        return
    _retention_checked = time.monotonic()
    if retention_due():
        run_retention()


def _close_overdue_petitions() -> None:
    """Close open petitions whose close date has passed (``organiser.actions.lifecycle``)."""
    from organiser.actions.lifecycle import close_overdue_petitions

    closed = close_overdue_petitions()
    if closed:
        log.info("closed %s petitions whose close date has passed", len(closed))


def _sweep_counts() -> None:
    """Count confirmed signatures whose count job Redis lost (or that failed)."""
    from organiser.actions.counting import sweep_counts

    counted = sweep_counts()
    if counted:
        log.info("count sweep added %s confirmed signatures to their petitions' counts", counted)


def make_worker(app: Flask, queues: list[str]) -> OrganiserWorker:
    from organiser.jobs import redis_connection

    interval = max(1, round(float(app.config["SWEEP_INTERVAL"])))
    worker = OrganiserWorker(
        queues,
        connection=redis_connection(app),
        default_result_ttl=0,
        maintenance_interval=interval,
        worker_ttl=interval + 15,
    )
    worker.app = app
    return worker


class EmbeddedSweeper:
    """Without Redis there is no worker: a thread in the web process runs the sweeps instead (every
    SWEEP_INTERVAL seconds, which may be a fraction), so that scheduled mailings go out, failed
    sends are retried and overdue petitions close in the embedded default."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.passes = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="organiser-sweeper", daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(float(self.app.config["SWEEP_INTERVAL"])):
            sweep_once(self.app)
            self.passes += 1

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self.thread.join(timeout)


def start_embedded_sweeper(app: Flask) -> EmbeddedSweeper:
    sweeper = EmbeddedSweeper(app)
    sweeper.thread.start()
    return sweeper


_retention_checked = -3600.0
