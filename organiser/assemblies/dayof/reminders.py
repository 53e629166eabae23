"""Reminders before an assembly, and the news that its time or place has changed.

Each assembly has a plan (``ReminderPlan``): how long before the start its registrants are reminded
(7 days and 1 day unless its organisers choose otherwise). Whole days count on the assembly's own
calendar: "a day before 09:00 in Lusaka" is 09:00 Lusaka time the day before, whatever the clocks
did in between; hours and minutes are plain durations.

How a reminder gets sent:
* With Redis, planning (``replan``, after the commit) puts one RQ job per reminder in the RQ
  scheduler (``enqueue_at``); ``organiser worker`` runs the scheduler. The job carries the start
  time it was planned for: when it runs, a plan made for another start time, an offset no longer
  in the plan, an assembly not published: it does nothing (re-planning never needs to find and
  remove the jobs it replaces).
* A sweep (``sweep_reminders``, every SWEEP_INTERVAL in the worker, and in the web process's
  sweeper thread in the embedded default) sends what is due and not sent: without Redis it is how
  reminders go at all; with Redis it only catches those more than ``SWEEP_GRACE`` late (the
  scheduled job lost with Redis's data).
* Never late beyond ``WINDOW``: after downtime, a reminder more than 12 hours overdue is skipped
  (a "1 day before" arriving the morning of the assembly helps no one; one 12 hours late still
  does). Never after the start.
* Only to registrations with a confirmed place (not pending, waitlisted, cancelled, or already
  checked in), and only those confirmed before the reminder was due (someone who confirmed after it
  just had their confirmation). Each reminder goes once per registration: ``ReminderSent`` records
  it under the assembly's row lock, keyed by the offset and the start time, so a moved assembly's
  reminders go again, for the new time.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import format_timedelta
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from organiser.assemblies.ics import calendar_for
from organiser.assemblies.models import (
    DEFAULT_REMINDER_OFFSETS,
    PLACE_TAKING,
    Assembly,
    AssemblyStatus,
    Registration,
    RegistrationStatus,
    ReminderPlan,
    ReminderSent,
)
from organiser.assemblies.services.mail import send
from organiser.assemblies.services.places import lock_assembly
from organiser.db import as_utc, db, utcnow
from organiser.messaging.mime import Attachment

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=12)  # a reminder later than this is skipped
SLACK = timedelta(minutes=1)  # a job may start a little before its time (clocks differ)
SWEEP_GRACE = timedelta(minutes=5)  # with Redis, the sweep leaves the scheduler this long first
DAY = 24 * 60

# What registrants are told about when it changes.
TOLD_ABOUT = ("starts_at", "ends_at", "timezone", "venue", "online_url")


def plan_of(assembly: Assembly) -> ReminderPlan:
    """The assembly's plan, made with the defaults the first time it is needed."""
    plan = db.session.get(ReminderPlan, assembly.id)
    if plan is None:
        plan = ReminderPlan(assembly_id=assembly.id, offsets=list(DEFAULT_REMINDER_OFFSETS), sequence=0)
        db.session.add(plan)
        db.session.flush()
    return plan


def offsets_of(assembly: Assembly) -> list[int]:
    plan = db.session.get(ReminderPlan, assembly.id)
    return sorted(plan.offsets if plan is not None else DEFAULT_REMINDER_OFFSETS, reverse=True)


def due_at(assembly: Assembly, minutes: int) -> datetime:
    """When the reminder ``minutes`` before the start is due, in UTC."""
    start = assembly.local(assembly.starts_at)
    assert start is not None
    if minutes % DAY == 0:  # whole days: the same time of day on the assembly's calendar
        wall = start.replace(tzinfo=None) - timedelta(days=minutes // DAY)
        return wall.replace(tzinfo=assembly.zone).astimezone(UTC)
    return start.astimezone(UTC) - timedelta(minutes=minutes)


def epoch(moment: datetime) -> int:
    return int(as_utc(moment).timestamp())  # type: ignore[union-attr]


def reminder_key(minutes: int, start: datetime) -> str:
    return f"{minutes}m@{epoch(start)}"


def set_offsets(assembly: Assembly, minutes: list[int], *, by: Any) -> None:
    """Change when registrants are reminded, and plan the reminders again."""
    plan_of(assembly).offsets = sorted(minutes, reverse=True)
    replan(assembly)
    log.info("assembly %s reminders set to %s minutes before by %s", assembly.id, minutes, by.id)


def replan(assembly: Assembly) -> None:
    """Plan the reminders for the assembly's start as it is now: the scheduler's jobs are queued
    after the commit (those planned before go stale by themselves)."""
    from organiser.assemblies.dayof.jobs import schedule_reminders
    from organiser.jobs import enqueue_after_commit

    plan_of(assembly).planned_start = as_utc(assembly.starts_at)
    db.session.flush()
    enqueue_after_commit(schedule_reminders, assembly.id)


def send_reminder(assembly: Assembly, minutes: int, start_epoch: int, *, now: datetime | None = None) -> int:
    """Send the reminder ``minutes`` before the start planned at ``start_epoch`` to everyone with a
    confirmed place who has not had it; how many. Nothing when the job is stale, early or too late."""
    now = now or utcnow()
    lock_assembly(assembly.id)
    db.session.refresh(assembly)
    if assembly.status != AssemblyStatus.PUBLISHED or epoch(assembly.starts_at) != start_epoch:
        return 0  # cancelled, or moved since this reminder was planned: the new plan has its own
    if minutes not in offsets_of(assembly):
        return 0
    due = due_at(assembly, minutes)
    if now < due - SLACK or now >= as_utc(assembly.starts_at):  # type: ignore[operator]
        return 0
    if now > due + WINDOW:
        log.info("assembly %s: reminder %s min before skipped, %s overdue", assembly.id, minutes, now - due)
        return 0
    key = reminder_key(minutes, assembly.starts_at)
    waiting = list(db.session.scalars(_waiting(assembly, key, due).order_by(Registration.id)))
    calendar = calendar_for(assembly, online_url=assembly.online_url) if waiting else b""  # the same for all
    for registration in waiting:
        db.session.add(ReminderSent(registration_id=registration.id, reminder=key, sent_at=now))
        _mail_reminder(registration, minutes, calendar)
    db.session.flush()
    if waiting:
        log.info("assembly %s: reminder %s min before sent to %s", assembly.id, minutes, len(waiting))
    return len(waiting)


def _waiting(assembly: Assembly, key: str, due: datetime) -> Any:
    """Confirmed places, confirmed before the reminder was due, without this reminder yet."""
    sent = exists().where(ReminderSent.registration_id == Registration.id, ReminderSent.reminder == key)
    return select(Registration).where(
        Registration.assembly_id == assembly.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.person_id.is_not(None),
        func.coalesce(Registration.promoted_at, Registration.confirmed_at) <= due,
        ~sent,
    )


def _mail_reminder(registration: Registration, minutes: int, calendar: bytes) -> None:
    from organiser.assemblies.dayof.qr import qr_png

    assembly = registration.assembly
    before = format_timedelta(timedelta(minutes=minutes), threshold=1)
    send(
        registration,
        "assemblies/email/reminder.txt",
        _("Reminder: “%(title)s” is in %(time)s", title=assembly.title, time=before),
        attachments=[
            Attachment(f"{assembly.slug}.ics", "text/calendar", calendar),
            Attachment("check-in.png", "image/png", qr_png(registration)),
        ],
        before=before,
    )


def sweep_reminders(now: datetime | None = None, *, with_redis: bool | None = None) -> int:
    """Send every reminder that is due (within its window) and not sent; how many went."""
    from organiser.jobs import redis_connection

    now = now or utcnow()
    if with_redis is None:
        with_redis = redis_connection() is not None
    grace = SWEEP_GRACE if with_redis else timedelta(0)
    sent = 0
    for assembly in _upcoming(now):
        for minutes in offsets_of(assembly):
            due = due_at(assembly, minutes)
            key = reminder_key(minutes, assembly.starts_at)
            if due + grace <= now <= due + WINDOW and db.session.scalar(
                _waiting(assembly, key, due).limit(1)
            ):
                sent += send_reminder(assembly, minutes, epoch(assembly.starts_at), now=now)
    return sent


def _upcoming(now: datetime) -> list[Assembly]:
    from organiser.assemblies.dayof.forms import LONGEST

    horizon = now + timedelta(minutes=LONGEST) + WINDOW + timedelta(days=1)
    query = select(Assembly).where(
        Assembly.status == AssemblyStatus.PUBLISHED, Assembly.starts_at > now, Assembly.starts_at <= horizon
    )
    return list(db.session.scalars(query.order_by(Assembly.starts_at)))


# ---- changes of time or place ----------------------------------------------------------------------


def snapshot(assembly: Assembly) -> dict[str, Any]:
    """What registrants are told about when it changes, as it is now (times in UTC)."""
    return {name: _comparable(getattr(assembly, name)) for name in TOLD_ABOUT}


def _comparable(value: Any) -> Any:
    return as_utc(value) if isinstance(value, datetime) else value


def assembly_changed(assembly: Assembly, before: dict[str, Any]) -> int:
    """After the assembly's details changed: if its time or place did, calendars get a new version,
    the reminders are planned again for the new start, and everyone with a place or on the waitlist
    of a published assembly still to come is told. How many were told."""
    changed = {name for name, value in snapshot(assembly).items() if before.get(name) != value}
    if not changed:
        return 0
    plan_of(assembly).sequence += 1
    if changed & {"starts_at", "timezone"}:
        replan(assembly)
    if assembly.status != AssemblyStatus.PUBLISHED or assembly.has_ended():
        return 0
    told = 0
    for registration in db.session.scalars(
        select(Registration).where(
            Registration.assembly_id == assembly.id,
            Registration.status.in_((*PLACE_TAKING, RegistrationStatus.WAITLISTED)),
            Registration.person_id.is_not(None),
        )
    ):
        _mail_change(registration, changed)
        told += 1
    log.info("assembly %s: %s changed, %s registrants told", assembly.id, sorted(changed), told)
    return told


def _mail_change(registration: Registration, changed: set[str]) -> None:
    assembly = registration.assembly
    has_place = registration.status in PLACE_TAKING
    calendar = calendar_for(assembly, online_url=assembly.online_url if has_place else "")
    send(
        registration,
        "assemblies/email/changed.txt",
        _("Changed: %(title)s", title=assembly.title),
        attachments=[Attachment(f"{assembly.slug}.ics", "text/calendar", calendar)],
        has_place=has_place,
        time_changed=bool(changed & {"starts_at", "ends_at", "timezone"}),
        place_changed=bool(changed & {"venue", "online_url"}),
    )


def schedule(assembly: Assembly, now: datetime | None = None) -> list[dict[str, Any]]:
    """The plan as organisers read it: each reminder, when it is due, and how many have had it."""
    now = now or utcnow()
    rows = []
    for minutes in offsets_of(assembly):
        due = due_at(assembly, minutes)
        key = reminder_key(minutes, assembly.starts_at)
        sent = db.session.scalar(
            select(func.count())
            .select_from(ReminderSent)
            .join(Registration, Registration.id == ReminderSent.registration_id)
            .where(Registration.assembly_id == assembly.id, ReminderSent.reminder == key)
        )
        state = "ahead" if now < due else ("sending" if now <= due + WINDOW and not sent else "past")
        rows.append({"minutes": minutes, "due": due, "sent": sent, "state": state})
    return rows
