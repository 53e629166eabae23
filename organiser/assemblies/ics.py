"""An assembly as an iCalendar file: the public one (no online link), and the one a confirmed
registrant gets with their mail (with the online link)."""

from __future__ import annotations

from icalendar import Calendar, Event

from organiser.assemblies.models import Assembly, AssemblyStatus
from organiser.db import as_utc, utcnow
from organiser.web.urls import external_url


def calendar_for(assembly: Assembly, *, online_url: str = "") -> bytes:
    """One VEVENT in UTC (every calendar converts it to the reader's zone correctly)."""
    page = external_url("assemblies.public", slug=assembly.slug)
    calendar = Calendar()
    calendar.add("prodid", "-//Organiser//Assemblies//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"assembly-{assembly.id}-{assembly.slug}@organiser")
    event.add("dtstamp", utcnow())
    event.add("dtstart", as_utc(assembly.starts_at))
    event.add("dtend", as_utc(assembly.ends_at))
    event.add("summary", assembly.title)
    description = assembly.description or ""
    if online_url:
        description = f"{description}\n\n{online_url}".strip()
    event.add("description", f"{description}\n\n{page}".strip())
    location = assembly.venue or online_url
    if location:
        event.add("location", location)
    event.add("url", page)
    if assembly.status == AssemblyStatus.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
