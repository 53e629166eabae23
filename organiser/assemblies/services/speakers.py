"""Who speaks in each part of an assembly's programme (shown in the public programme)."""

from __future__ import annotations

import logging
from typing import Any

from organiser.assemblies.models import AgendaItem, AgendaSpeaker, Assembly
from organiser.db import db

log = logging.getLogger(__name__)


def add_speaker(item: AgendaItem, *, name: str, organisation: str, role: str, by: Any) -> AgendaSpeaker:
    speaker = AgendaSpeaker(agenda_item_id=item.id, name=name, organisation=organisation, role=role)
    db.session.add(speaker)
    db.session.flush()
    db.session.refresh(item, ["speakers"])
    log.info("speaker %s added to agenda item %s by %s", speaker.id, item.id, by.id)
    return speaker


def remove_speaker(speaker: AgendaSpeaker, *, by: Any) -> None:
    db.session.delete(speaker)
    db.session.flush()
    log.info("speaker %s removed from agenda item %s by %s", speaker.id, speaker.agenda_item_id, by.id)


def speaker_of(assembly: Assembly, speaker_id: int) -> AgendaSpeaker | None:
    """The speaker, if they speak at this assembly."""
    speaker = db.session.get(AgendaSpeaker, speaker_id)
    if speaker is None:
        return None
    item = db.session.get(AgendaItem, speaker.agenda_item_id)
    return speaker if item is not None and item.assembly_id == assembly.id else None


def item_of(assembly: Assembly, item_id: int | None) -> AgendaItem | None:
    item = db.session.get(AgendaItem, item_id) if item_id is not None else None
    return item if item is not None and item.assembly_id == assembly.id else None
