"""Tags and notes: what coordinators add to the people they see.

A tag lives in its coalition tree and is used by the coalition that made it, the alliances above it
and the chapters below it (sibling chapters do not see each other's). Putting a tag on everyone a
filter matches is one ``INSERT … SELECT`` (a person who has it already is left as they are: doing it
twice changes nothing); taking it off is one ``DELETE``, and only ever touches people in the view."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import DateTime, delete, func, literal, select

from organiser.db import db, dialect_insert, utcnow
from organiser.people.models import Person, PersonNote, PersonTag, Tag
from organiser.supporters.criteria import Criteria, matching_ids
from organiser.supporters.scope import Viewer, in_view

log = logging.getLogger(__name__)


class TagNameTaken(ValueError):
    """Another coalition of the tree has a tag of that name (one the viewer does not see)."""


def _visible(viewer: Viewer) -> Any:
    return (Tag.tree_id == viewer.root.id) & Tag.coalition_id.in_(viewer.lineage_ids + viewer.coalition_ids)


def visible_tags(viewer: Viewer) -> list[Tag]:
    if not viewer.is_coordinator:
        return []
    return list(
        db.session.scalars(select(Tag).where(_visible(viewer)).order_by(func.lower(Tag.name), Tag.id))
    )


def visible_tag(viewer: Viewer, tag_id: int) -> Tag | None:
    if not viewer.is_coordinator:
        return None
    return db.session.scalar(select(Tag).where(Tag.id == tag_id, _visible(viewer)))


def tag_counts(viewer: Viewer) -> dict[int, int]:
    """How many of the people in view carry each tag."""
    rows = db.session.execute(
        select(PersonTag.tag_id, func.count())
        .join(Person, Person.id == PersonTag.person_id)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .where(_visible(viewer), *in_view(viewer))
        .group_by(PersonTag.tag_id)
    ).all()
    return dict(rows)  # type: ignore[arg-type]


def tag_named(viewer: Viewer, name: str, *, by: Any) -> Tag:
    """The visible tag of this name (spaces folded, any case), made in the viewer's coalition if
    there is none; TagNameTaken if a coalition the viewer does not see has one."""
    name = " ".join(name.split())
    found = db.session.scalar(
        select(Tag).where(Tag.tree_id == viewer.root.id, func.lower(Tag.name) == name.lower())
    )
    if found is not None:
        if found.coalition_id not in viewer.lineage_ids + viewer.coalition_ids:
            raise TagNameTaken(name)
        return found
    tag = Tag(tree_id=viewer.root.id, coalition_id=viewer.coalition.id, name=name, created_by_id=by.id)
    db.session.add(tag)
    db.session.flush()
    log.info("tag %s (%r) made in coalition %s by %s", tag.id, name, viewer.coalition.id, by.id)
    return tag


def _apply(tag: Tag, people: Any) -> int:
    """Put ``tag`` on the people whose ids ``people`` selects; returns how many did not have it."""
    moment = literal(utcnow(), DateTime(timezone=True))
    chosen = select(literal(tag.id), people.c.id, moment).select_from(people)
    statement = dialect_insert(PersonTag)
    if statement is None:  # pragma: no cover (PostgreSQL and SQLite both have ON CONFLICT)
        raise RuntimeError("tagging needs INSERT … ON CONFLICT")
    # SQLite reads ``INSERT … SELECT … ON CONFLICT`` only with a WHERE in the SELECT.
    statement = statement.from_select(["tag_id", "person_id", "created_at"], chosen.where(people.c.id > 0))
    # The drivers do not all report how many rows an INSERT … SELECT … ON CONFLICT added: count them.
    before = _carrying(tag)
    db.session.execute(statement.on_conflict_do_nothing())
    return _carrying(tag) - before


def _carrying(tag: Tag) -> int:
    return (
        db.session.scalar(select(func.count()).select_from(PersonTag).where(PersonTag.tag_id == tag.id)) or 0
    )


def tag_matching(viewer: Viewer, criteria: Criteria, tag: Tag, *, by: Any) -> int:
    """Put the tag on everyone the filter matches in the view; returns how many got it now."""
    added = _apply(tag, matching_ids(viewer, criteria).subquery())
    log.info("tag %s put on %s people in coalition %s by %s", tag.id, added, viewer.coalition.id, by.id)
    return added


def untag_matching(viewer: Viewer, criteria: Criteria, tag: Tag, *, by: Any) -> int:
    """Take the tag off everyone the filter matches in the view; returns how many had it."""
    removed = db.session.execute(
        delete(PersonTag)
        .where(PersonTag.tag_id == tag.id, PersonTag.person_id.in_(matching_ids(viewer, criteria)))
        .execution_options(synchronize_session=False)
    ).rowcount
    log.info("tag %s taken off %s people in coalition %s by %s", tag.id, removed, viewer.coalition.id, by.id)
    return removed


def tag_person(person: Person, tag: Tag) -> bool:
    """Put the tag on one person; False if they had it already."""
    return _apply(tag, select(Person.id).where(Person.id == person.id).subquery()) > 0


def untag_person(person: Person, tag: Tag) -> bool:
    return bool(
        db.session.execute(
            delete(PersonTag).where(PersonTag.tag_id == tag.id, PersonTag.person_id == person.id)
        ).rowcount
    )


def tags_of(viewer: Viewer, person: Person) -> list[Tag]:
    return list(
        db.session.scalars(
            select(Tag)
            .join(PersonTag, PersonTag.tag_id == Tag.id)
            .where(PersonTag.person_id == person.id, _visible(viewer))
            .order_by(func.lower(Tag.name))
        )
    )


def delete_tag(tag: Tag, *, by: Any) -> None:
    """The tag goes, and off everyone who had it."""
    log.info("tag %s (%r) deleted by %s", tag.id, tag.name, by.id)
    db.session.delete(tag)
    db.session.flush()


# ---- notes ----------------------------------------------------------------------------------------


def notes_of(viewer: Viewer, person: Person) -> list[PersonNote]:
    """The notes written in the viewer's coalition or the chapters under it, newest first."""
    if not viewer.is_coordinator:
        return []
    return list(
        db.session.scalars(
            select(PersonNote)
            .where(PersonNote.person_id == person.id, PersonNote.coalition_id.in_(viewer.coalition_ids))
            .order_by(PersonNote.created_at.desc(), PersonNote.id.desc())
        )
    )


def add_note(viewer: Viewer, person: Person, body: str, *, by: Any) -> PersonNote:
    note = PersonNote(person_id=person.id, coalition_id=viewer.coalition.id, author_id=by.id, body=body)
    db.session.add(note)
    db.session.flush()
    log.info(
        "note %s on person %s written in coalition %s by %s", note.id, person.id, viewer.coalition.id, by.id
    )
    return note


def note_in_view(viewer: Viewer, person: Person, note_id: int) -> PersonNote | None:
    note = db.session.get(PersonNote, note_id)
    if note is None or note.person_id != person.id or not viewer.is_coordinator:
        return None
    return note if note.coalition_id in viewer.coalition_ids else None


def delete_note(note: PersonNote, *, by: Any) -> None:
    log.info("note %s on person %s deleted by %s", note.id, note.person_id, by.id)
    db.session.delete(note)
    db.session.flush()
