"""What coordinators add about a person is the person's data too: their own page shows the tags and
notes, erasing them removes them, and a tag or a note never keeps alive a person retention removes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from organiser.coalitions.models import Coalition, SupporterImport, SupporterImportPerson
from organiser.db import db, utcnow
from organiser.people.models import Person, PersonNote, PersonTag, Tag
from organiser.privacy.services import data_link_token, erase_person, run_retention
from tests.factories import PersonFactory
from tests.helpers import submit, text_of


def _note_and_tag(client, tree, name: str) -> str:
    page = f"/coalitions/fia-zambia/supporters/{tree.people[name]}"
    submit(client, f"{page}/notes", {"body": "Offered to drive people to Lusaka."}, page=page)
    submit(client, f"{page}/tags", {"new_tag": "Driver"}, page=page)
    return page


def test_their_own_data_page_shows_the_tags_and_notes_and_erasure_removes_them(app, tree, as_user):
    _note_and_tag(as_user("zambia"), tree, "Chipo Mwale")
    with app.app_context():
        token = data_link_token("chipo@example.org")
    own = text_of(app.test_client().get(f"/my-data/{token}"))
    assert "Tags and notes coordinators added" in own
    assert "Offered to drive people to Lusaka." in own and "Driver (FIA Zambia)" in own
    with app.app_context():
        erasure = erase_person(db.session.get(Person, tree.people["Chipo Mwale"]), requested_by="person")
        assert erasure.counts["supporter_notes"] == 2
        assert db.session.scalar(select(func.count()).select_from(PersonNote)) == 0
        assert db.session.scalar(select(func.count()).select_from(PersonTag)) == 0
        assert db.session.scalar(select(Tag.name)) == "Driver", "the tag itself stays, for the others"


def test_retention_removes_a_tagged_person_who_gave_no_ongoing_consent(app, tree, as_user):
    with app.app_context():
        loner = PersonFactory(tree_id=tree.fia, email="loner@example.org", name="Loner")
        tag = Tag(tree_id=tree.fia, coalition_id=tree.fia, name="Met at a stall")
        db.session.add(tag)
        db.session.flush()
        db.session.add(PersonTag(tag_id=tag.id, person_id=loner.id))
        db.session.add(PersonNote(person_id=loner.id, coalition_id=tree.fia, body="Met at a stall"))
        db.session.get(Coalition, tree.fia).retention_months = 1
        db.session.commit()
        loner_id = loner.id
        run_retention(utcnow() + timedelta(days=1))
        db.session.commit()
        assert db.session.get(Person, loner_id) is None
        assert db.session.scalar(select(func.count()).select_from(PersonNote)) == 0


def test_retention_removes_people_an_old_import_brought_in_without_consent(app, tree):
    """An import's link keeps no one beyond the retention period: a person imported without
    consent to be mailed, and referred to by nothing else, goes; the import's file goes too."""
    with app.app_context():
        old = SupporterImport(
            coalition_id=tree.fia,
            created_at=utcnow() - timedelta(days=90),
            file_data=b"email\nimported@example.org\n",
            consent_given=False,
        )
        recent = SupporterImport(coalition_id=tree.fia, file_data=b"email\nrecent@example.org\n")
        db.session.add_all([old, recent])
        imported = PersonFactory(tree_id=tree.fia, email="imported@example.org")
        kept = PersonFactory(tree_id=tree.fia, email="recent@example.org")
        db.session.flush()
        db.session.add(SupporterImportPerson(import_id=old.id, person_id=imported.id, outcome="created"))
        db.session.add(SupporterImportPerson(import_id=recent.id, person_id=kept.id, outcome="created"))
        db.session.get(Coalition, tree.fia).retention_months = 1
        db.session.commit()
        imported_id, kept_id = imported.id, kept.id
        [run] = [r for r in run_retention() if r.coalition_id == tree.fia]
        db.session.commit()
        assert run.counts["imported"] == 1
        assert db.session.get(Person, imported_id) is None
        assert db.session.get(Person, kept_id) is not None, "a recent import still keeps its people"
        db.session.expire_all()
        assert db.session.get(SupporterImport, old.id).file_data is None
        assert db.session.get(SupporterImport, recent.id).file_data is not None
