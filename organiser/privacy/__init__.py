"""Privacy: people's own data page, erasure that keeps the counts, retention, and the export log.
Domains plug their personal data in through ``organiser.privacy.registry``."""

from __future__ import annotations

import time

from flask import Flask

from organiser.jobs import Sweep, register_sweep


def init_app(app: Flask) -> None:
    from organiser.privacy.services import record_export
    from organiser.privacy.views import bp
    from organiser.web.downloads import set_export_logger

    app.register_blueprint(bp)
    set_export_logger(record_export)
    register_sweep(Sweep("retention run", run_daily_retention))


_retention_checked = -3600.0


def run_daily_retention() -> None:
    """Retention and IP minimisation, at most once a day across all workers (the last run's time
    is in the database); the check is made at most once an hour."""
    from organiser.privacy.services import retention_due, run_retention

    global _retention_checked
    if time.monotonic() - _retention_checked < 3600:
        return
    _retention_checked = time.monotonic()
    if retention_due():
        run_retention()
