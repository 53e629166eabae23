"""An assembly as an iCalendar file: the public one (no online link), and the one a registrant with a
place gets with their mail (with the online link).

Its times name the assembly's own zone (``DTSTART;TZID=Africa/Lusaka``) with the zone's
``VTIMEZONE`` beside them, as calendar programs expect: a reader elsewhere sees the time converted,
and one who travels there sees the time on the invitation. ``SEQUENCE`` counts the changes of time
or place (``ReminderPlan.sequence``), so a calendar holding an older copy replaces it."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from organiser.assemblies.models import Assembly, AssemblyStatus, ReminderPlan
from organiser.db import db, utcnow
from organiser.web.urls import external_url


def calendar_for(assembly: Assembly, *, online_url: str = "") -> bytes:
    """One VEVENT in the assembly's zone, with that zone's VTIMEZONE (around the assembly's dates)."""
    page = external_url("assemblies.public", slug=assembly.slug)
    calendar = Calendar()
    calendar.add("prodid", "-//Organiser//Assemblies//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"assembly-{assembly.id}-{assembly.slug}@organiser")
    event.add("dtstamp", utcnow())
    event.add("sequence", _sequence(assembly))
    event.add("dtstart", assembly.local(assembly.starts_at))
    event.add("dtend", assembly.local(assembly.ends_at))
    event.add("summary", assembly.title)
    description = assembly.description or ""
    if online_url:
        description = f"{description}\n\n{online_url}".strip()
    event.add("description", f"{description}\n\n{page}".strip())
    location = assembly.venue or online_url
    if location:
        event.add("location", location)
    event.add("url", page)
    event.add("status", "CANCELLED" if assembly.status == AssemblyStatus.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    start, end = assembly.local(assembly.starts_at), assembly.local(assembly.ends_at)
    assert start is not None and end is not None
    # The zone's rules around the assembly only: a few lines, not every change since 1970.
    calendar.add_missing_timezones(
        first_date=(start - timedelta(days=366)).date(), last_date=(end + timedelta(days=366)).date()
    )
    return calendar.to_ical()


def _sequence(assembly: Assembly) -> int:
    return (
        db.session.scalar(select(ReminderPlan.sequence).where(ReminderPlan.assembly_id == assembly.id)) or 0
    )
