"""The attack world's supporter base: FIA Zambia's tags (one that a route deletes, one kept on Chipo
for the route that takes a tag off her), a coordinator's note about Chipo, and a saved segment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from organiser.db import db
from organiser.people.models import Person, PersonNote, PersonTag, Tag
from organiser.supporters.models import SavedSegment

if TYPE_CHECKING:
    from tests.attack.conftest import World


def _supporters(world: World, zambia, fia, users: dict, person: Person) -> None:
    coordinator = users["chapter_coordinator"]
    tag = Tag(tree_id=fia.id, coalition_id=zambia.id, name="Volunteer", created_by_id=coordinator.id)
    kept = Tag(tree_id=fia.id, coalition_id=zambia.id, name="Speaker", created_by_id=coordinator.id)
    note = PersonNote(person_id=person.id, coalition_id=zambia.id, author_id=coordinator.id, body="Can host.")
    segment = SavedSegment(
        coalition_id=zambia.id,
        name="Land petition signers",
        criteria={"country": "ZM"},
        created_by_id=coordinator.id,
    )
    db.session.add_all([tag, kept, note, segment])
    db.session.flush()
    db.session.add(PersonTag(tag_id=kept.id, person_id=person.id))
    db.session.flush()
    world.ids.update(tag=tag.id, kept_tag=kept.id, note=note.id, segment=segment.id)
