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

from flask import Flask
from rq import Worker

from organiser.db import db

log = logging.getLogger(__name__)


class OrganiserWorker(Worker):
    app: Flask

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        from organiser.messaging.services.outbox import sweep_outbox

        with self.app.app_context():
            try:
                handed = sweep_outbox()
                if handed:
                    log.info("sweeper handed %s due outbox messages to the queues", handed)
            except Exception:  # the sweep must never stop the worker; the next one tries again
                log.exception("outbox sweep failed")
                db.session.rollback()
            _sweep_intake()
            run_daily_retention()
            close_overdue_petitions(self.app)
            _sweep_counts()


def _sweep_intake() -> None:
    """Signatures waiting in the intake with no ingest job to write them (its flag outlived a crash)."""
    from organiser.actions.intake import sweep

    try:
        if sweep():
            log.info("intake sweep queued a job for the signatures waiting in Redis")
    except Exception:
        log.exception("intake sweep failed")


def run_daily_retention() -> None:
    """Retention and IP minimisation, at most once a day across all workers (the last run's time
    is in the database); failures are logged and tried again at the next sweep."""
    import time

    from organiser.privacy.services import retention_due, run_retention

    global _retention_checked
    if time.monotonic() - _retention_checked < 3600:
        return
    _retention_checked = time.monotonic()
    try:
        if retention_due():
            run_retention()
            db.session.commit()
    except Exception:
        log.exception("retention run failed")
        db.session.rollback()


def close_overdue_petitions(app: Flask) -> None:
    """Close open petitions whose close date has passed (``organiser.actions.lifecycle``)."""
    from organiser.actions.lifecycle import close_overdue_petitions as close_overdue

    with app.app_context():
        try:
            closed = close_overdue()
            db.session.commit()
            if closed:
                log.info("closed %s petitions whose close date has passed", len(closed))
        except Exception:  # like the outbox sweep: never stop the worker over it
            log.exception("closing overdue petitions failed")
            db.session.rollback()


def _sweep_counts() -> None:
    """Count confirmed signatures whose count job Redis lost (or that failed)."""
    from organiser.actions.counting import sweep_counts

    try:
        counted = sweep_counts()
        if counted:
            log.info("count sweep added %s confirmed signatures to their petitions' counts", counted)
    except Exception:
        log.exception("count sweep failed")
        db.session.rollback()


def make_worker(app: Flask, queues: list[str]) -> OrganiserWorker:
    from organiser.jobs import redis_connection

    interval = int(app.config["SWEEP_INTERVAL"])
    worker = OrganiserWorker(
        queues,
        connection=redis_connection(app),
        default_result_ttl=0,
        maintenance_interval=interval,
        worker_ttl=interval + 15,
    )
    worker.app = app
    return worker


def start_embedded_sweeper(app: Flask) -> threading.Thread:
    """Without Redis there is no worker: a thread in the web process sweeps the outbox instead,
    so that scheduled mailings go out and failed sends are retried in the embedded default."""

    def loop() -> None:
        from organiser.messaging.services.outbox import sweep_outbox

        while not _stop.wait(int(app.config["SWEEP_INTERVAL"])):
            with app.app_context():
                try:
                    sweep_outbox()
                except Exception:
                    log.exception("outbox sweep failed")
                    db.session.rollback()
                run_daily_retention()
                close_overdue_petitions(app)
                _sweep_counts()

    thread = threading.Thread(target=loop, name="organiser-sweeper", daemon=True)
    thread.start()
    return thread


_stop = threading.Event()
_retention_checked = -3600.0
