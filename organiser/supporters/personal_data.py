"""What coordinators added about a person — their notes and the tags put on them — as privacy sees
it: shown on the person's own data page and in their download, deleted when they are erased."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.people.models import PersonNote, PersonTag, Tag
from organiser.privacy.registry import PersonalData


def _collect(person: Any) -> list[dict[str, Any]]:
    tags = db.session.execute(
        select(Tag.name, Coalition.name, PersonTag.created_at)
        .join(PersonTag, PersonTag.tag_id == Tag.id)
        .join(Coalition, Coalition.id == Tag.coalition_id)
        .where(PersonTag.person_id == person.id)
        .order_by(PersonTag.created_at)
    ).all()
    notes = db.session.execute(
        select(PersonNote.body, Coalition.name, PersonNote.created_at)
        .join(Coalition, Coalition.id == PersonNote.coalition_id)
        .where(PersonNote.person_id == person.id)
        .order_by(PersonNote.created_at)
    ).all()
    return [{"title": f"{name} ({by})", "tag": name, "by": by, "at": at} for name, by, at in tags] + [
        {"title": body, "note": body, "by": by, "at": at} for body, by, at in notes
    ]


def _erase(person: Any) -> int:
    removed = 0
    for model in (PersonTag, PersonNote):
        removed += db.session.execute(
            delete(model).where(model.person_id == person.id).execution_options(synchronize_session=False)
        ).rowcount
    return removed


NOTES_AND_TAGS = PersonalData("supporter_notes", _l("Tags and notes coordinators added"), _collect, _erase)
