"""The reminders' RQ jobs: one puts each reminder in the RQ scheduler, the other sends one when its
time comes (``reminders`` explains why a stale one does nothing). They carry ids and times only."""

from __future__ import annotations

from organiser.assemblies.models import Assembly
from organiser.db import db, utcnow
from organiser.jobs import get_queue, job, redis_connection

JOB_PREFIX = "assembly-reminder"


@job
def schedule_reminders(assembly_id: int) -> int:
    """Queue each of the assembly's reminders still ahead (or due within its window) in the RQ
    scheduler, for its start as it is now; how many. Without Redis the sweep sends them instead."""
    from organiser.assemblies.dayof import reminders

    assembly = db.session.get(Assembly, assembly_id)
    if assembly is None or redis_connection() is None:
        return 0
    queue, now, start = get_queue("default"), utcnow(), reminders.epoch(assembly.starts_at)
    planned = 0
    for minutes in reminders.offsets_of(assembly):
        due = reminders.due_at(assembly, minutes)
        if due + reminders.WINDOW < now:
            continue
        queue.enqueue_at(
            max(due, now),
            send_reminder,
            assembly_id,
            minutes,
            start,
            job_id=f"{JOB_PREFIX}-{assembly_id}-{minutes}-{start}",
            result_ttl=0,
            failure_ttl=7 * 86400,
            job_timeout=600,
        )
        planned += 1
    return planned


@job
def send_reminder(assembly_id: int, minutes: int, start_epoch: int) -> int:
    """Send one reminder to everyone with a place who has not had it (nothing if the job is stale)."""
    from organiser.assemblies.dayof.reminders import send_reminder as send

    assembly = db.session.get(Assembly, assembly_id)
    return send(assembly, minutes, start_epoch) if assembly is not None else 0
