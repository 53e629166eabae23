"""Selection runs: the quotas checked for feasibility first (the conflict named), then the
distribution over panels computed by an RQ job (``run_selection``) that records its progress for the
page's progress bar, with the legacy greedy method's probabilities beside it for comparison. A run
for the seats of people who declined (``start_replacement``) is the same, on the instance
``solver.replacement_instance`` gives."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.assemblies.sortition import pools, solver
from organiser.assemblies.sortition.models import (
    Draw,
    Invitation,
    RunStatus,
    SelectionRun,
    SortitionPool,
    Volunteer,
)
from organiser.db import as_utc, db, utcnow
from organiser.jobs import enqueue_after_commit, job

log = logging.getLogger(__name__)

METHODS = ("leximin", "maximin", "legacy")
# The organiser's budget, at most an hour (leximin on a pool of thousands wants tens of minutes); the
# job may run for the budget and a margin for the legacy comparison and the final LP.
MAX_TIME_LIMIT = 3600
JOB_MARGIN = 300
STALLED_AFTER = 900  # seconds beyond the budget: the job's timeout has passed, and a queue's wait
LEGACY_SHARE = 0.1  # of the progress bar: the comparison runs first, and quickly


class NotReady(Exception):
    """The pool cannot be selected from yet: the message says why."""


def runs_of(pool: SortitionPool) -> list[SelectionRun]:
    return list(
        db.session.scalars(
            select(SelectionRun).where(SelectionRun.pool_id == pool.id).order_by(SelectionRun.id)
        )
    )


def _check(instance: solver.Instance) -> None:
    if instance.panel_size < 1:
        raise NotReady(_("There are no seats left to fill."))
    if len(instance.people) < instance.panel_size:
        raise NotReady(
            _("The pool has %(n)d people for %(k)d seats.", n=len(instance.people), k=instance.panel_size)
        )
    solver.check_feasibility(instance)  # raises solver.Infeasible, naming the quotas in conflict


def start_run(pool: SortitionPool, *, method: str, time_limit: int, by: Any) -> SelectionRun:
    """Check the quotas can be met, then queue the job (after the commit)."""
    if first_draw(pool) is not None:
        raise NotReady(_("The panel is drawn already: replace those who decline instead."))
    instance = pools.instance_of(pool)
    _check(instance)
    return _queue(pool, instance, method=method, time_limit=time_limit, by=by)


def _queue(pool: SortitionPool, instance: solver.Instance, **fields: Any) -> SelectionRun:
    run = SelectionRun(
        pool_id=pool.id,
        method=fields["method"],
        time_limit=min(max(int(fields["time_limit"]), 1), MAX_TIME_LIMIT),
        instance=pools.instance_json(instance),
        replacing_draw_id=fields.get("replacing"),
        by_id=getattr(fields["by"], "id", None),
    )
    db.session.add(run)
    db.session.flush()
    enqueue_after_commit(run_selection, run.id, timeout=run.time_limit + JOB_MARGIN)
    log.info("selection run %s for pool %s queued (%s, %ss)", run.id, pool.id, run.method, run.time_limit)
    return run


def _progress(run: SelectionRun, start: float, share: float) -> Callable[[float, str], None]:
    """Record the solver's progress, committing at most once a second (the page reads it)."""
    last = [0.0]

    def report(fraction: float, text: str) -> None:
        now = time.monotonic()
        if now - last[0] < 1.0:
            return
        last[0] = now
        run.progress = round(start + share * max(0.0, min(fraction, 1.0)), 3)
        run.progress_text = text[:300]
        db.session.commit()

    return report


@job
def run_selection(run_id: int) -> None:
    """Compute the run's distribution (and the legacy method's, for comparison)."""
    run = db.session.get(SelectionRun, run_id)
    if run is None or run.status != RunStatus.QUEUED:
        return
    run.status, run.progress_text = RunStatus.RUNNING, _("Starting")
    db.session.commit()
    instance = pools.instance_from_json(run.instance)
    try:
        _compute(run, instance)
    except solver.Infeasible as exc:
        run.status, run.error = RunStatus.FAILED, exc.message
    except Exception as exc:  # the page says it failed; the log keeps why
        log.exception("selection run %s failed", run.id)
        run.status, run.error = RunStatus.FAILED, str(exc)[:2000]
    run.finished_at = utcnow()


def _compute(run: SelectionRun, instance: solver.Instance) -> None:
    share = 0.0
    if run.method != "legacy" and run.replacing_draw_id is None:
        share = LEGACY_SHARE
        legacy = solver.find_distribution(
            instance, "legacy", time_limit=run.time_limit, progress=_progress(run, 0.0, share)
        )
        run.legacy = {"probabilities": dict(legacy.probabilities), "minimum": legacy.minimum}
    distribution = solver.find_distribution(
        instance, run.method, time_limit=run.time_limit, progress=_progress(run, share, 1.0 - share)
    )
    run.result = distribution.to_json()
    run.sha256 = hashlib.sha256(solver.canonical_json(distribution).encode()).hexdigest()
    run.status, run.progress, run.progress_text = RunStatus.DONE, 1.0, ""
    log.info("selection run %s done: %s, minimum %.4f", run.id, distribution.reached, distribution.minimum)


def stalled(run: SelectionRun) -> bool:
    """Unfinished long after its budget and the job's timeout: its worker stopped (the page says so)."""
    late = as_utc(run.created_at) + timedelta(seconds=run.time_limit + STALLED_AFTER)
    return run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and late < utcnow()


def distribution_of(run: SelectionRun) -> solver.Distribution | None:
    return solver.Distribution.from_json(run.result) if run.result else None


# ---- replacing those who declined ----------------------------------------------------------


def panel_of(pool: SortitionPool) -> list[Volunteer]:
    """Those drawn who have not declined, in the order drawn."""
    return list(
        db.session.scalars(
            select(Volunteer)
            .where(
                Volunteer.pool_id == pool.id,
                Volunteer.draw_id.is_not(None),
                (Volunteer.invitation.is_(None)) | (Volunteer.invitation != Invitation.DECLINED),
            )
            .order_by(Volunteer.draw_id, Volunteer.id)
        )
    )


def open_seats(pool: SortitionPool) -> int:
    return pool.panel_size - len(panel_of(pool))


def declined_of(pool: SortitionPool) -> list[Volunteer]:
    return list(
        db.session.scalars(
            select(Volunteer).where(Volunteer.pool_id == pool.id, Volunteer.invitation == Invitation.DECLINED)
        )
    )


def first_draw(pool: SortitionPool) -> Draw | None:
    """The revealed draw of the whole panel (the one replacements start from)."""
    return db.session.scalar(
        select(Draw)
        .join(SelectionRun, SelectionRun.id == Draw.run_id)
        .where(
            SelectionRun.pool_id == pool.id,
            SelectionRun.replacing_draw_id.is_(None),
            Draw.revealed_at.is_not(None),
        )
        .order_by(Draw.id)
        .limit(1)
    )


def start_replacement(pool: SortitionPool, *, method: str, time_limit: int, by: Any) -> SelectionRun:
    """A run for the open seats: the panel so far kept (and the quotas reduced by it), those who
    declined gone from the pool."""
    drawn = first_draw(pool)
    if drawn is None:
        raise NotReady(_("Draw the panel first."))
    base = pools.instance_from_json(drawn.run.instance)
    kept = [v.pseudonym for v in panel_of(pool)]
    removed = [v.pseudonym for v in declined_of(pool)]
    try:
        instance = solver.replacement_instance(base, kept, removed)
    except ValueError as exc:  # someone on the panel who was not in the pool drawn from
        raise NotReady(str(exc)) from exc
    _check(instance)
    return _queue(pool, instance, method=method, time_limit=time_limit, by=by, replacing=drawn.id)
