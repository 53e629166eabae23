"""The programme of an assembly: its agenda items (each within the assembly's own hours), and its
times as people read them, in the assembly's own zone and the reader's language."""

from __future__ import annotations

import logging
from typing import Any

from organiser.assemblies.models import AgendaItem, Assembly
from organiser.db import as_utc, db

log = logging.getLogger(__name__)


class OutsideTheAssembly(Exception):
    pass


def add_agenda_item(
    assembly: Assembly, *, starts_at: Any, title: str, description: str, by: Any
) -> AgendaItem:
    """Add a part of the programme; its time must fall within the assembly."""
    if not as_utc(assembly.starts_at) <= starts_at < as_utc(assembly.ends_at):
        raise OutsideTheAssembly
    item = AgendaItem(assembly_id=assembly.id, starts_at=starts_at, title=title, description=description)
    db.session.add(item)
    db.session.flush()
    db.session.refresh(assembly, ["agenda"])
    log.info("agenda item %s added to assembly %s by %s", item.id, assembly.id, by.id)
    return item


def remove_agenda_item(item: AgendaItem, *, by: Any) -> None:
    db.session.delete(item)
    db.session.flush()
    log.info("agenda item %s removed from assembly %s by %s", item.id, item.assembly_id, by.id)


# ---- times, in the assembly's own zone -----------------------------------------------------------


def _locale() -> Any:
    from babel import Locale
    from flask_babel import get_locale

    return get_locale() or Locale("en")


def local_time(assembly: Assembly, moment: Any) -> str:
    """A stored time as the assembly's local date and time, in the reader's language."""
    from babel.dates import format_date

    local = assembly.local(moment)
    if local is None:
        return ""
    return f"{format_date(local.date(), 'full', locale=_locale())}, {_clock(local)}"


def _clock(local: Any) -> str:
    """The time of day; with its UTC offset when the clocks go back and the zone shows it twice
    (organiser.web.times: a repeated time typed in the form is the first of the two)."""
    from babel.dates import format_time

    from organiser.web.times import offset_if_ambiguous

    text = format_time(local.time(), "short", locale=_locale())
    offset = offset_if_ambiguous(local)
    return f"{text} ({offset})" if offset else text


def when(assembly: Assembly) -> str:
    """ "Saturday, 5 December 2026, 09:00–16:00 (Africa/Lusaka)": local times with the zone named."""
    start, end = assembly.local(assembly.starts_at), assembly.local(assembly.ends_at)
    assert start is not None and end is not None
    if start.date() == end.date():
        text = f"{local_time(assembly, assembly.starts_at)}–{_clock(end)}"
    else:
        text = f"{local_time(assembly, assembly.starts_at)} – {local_time(assembly, assembly.ends_at)}"
    return f"{text} ({assembly.timezone})"
