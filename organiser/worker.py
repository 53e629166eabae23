"""The RQ worker: the standard forking worker, plus the sweeps the packages register
(``organiser.jobs.register_sweep``: the outbox, the intake, retention, overdue petitions, counts)
in its maintenance loop.

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
from organiser.jobs import sweeps

log = logging.getLogger(__name__)


class OrganiserWorker(Worker):
    app: Flask

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        sweep_once(self.app, intake=True)


def sweep_once(app: Flask, *, intake: bool = False) -> None:
    """One pass of every sweep the packages registered (``organiser.jobs.register_sweep``), each in
    a short transaction of its own: committed when it worked, rolled back when it failed (logged;
    the next pass tries again), and the session removed at the end. On SQLite a sweep that kept
    its transaction open would make every request wait for it. ``intake``: with Redis (a worker)."""
    with app.app_context():
        for sweep in sweeps():
            if intake or not sweep.needs_redis:
                _step(sweep.name, sweep.run)


def _step(name: str, sweep: Callable[[], None]) -> None:
    try:
        sweep()
        db.session.commit()
    except Exception:  # a sweep must never stop the worker or the web process
        log.exception("%s failed", name)
        db.session.rollback()


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
