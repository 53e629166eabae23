"""A supporter's page: what they did, their consents with the wording they saw, the mail they got, and
the notes coordinators write; what an organisation's admins see of the same person."""

from __future__ import annotations

from sqlalchemy import select

from organiser.db import db
from organiser.messaging.models import OutboxMessage, OutboxStatus
from organiser.people.models import PersonNote
from tests.factories import MailingFactory
from tests.helpers import submit, text_of


def _mail(tree, person_id: int, **mailing: object) -> None:
    sent = MailingFactory(coalition_id=tree.zambia, **mailing)
    db.session.add(
        OutboxMessage(
            idempotency_key=f"m{sent.id}-{person_id}",
            mailing_id=sent.id,
            person_id=person_id,
            recipient="chipo@example.org",
            sender="x@organiser.test",
            subject=sent.subject,
            status=OutboxStatus.SENT,
        )
    )


def test_a_coordinator_sees_what_they_did_their_consents_and_mail(app, tree, as_user):
    chipo = tree.people["Chipo Mwale"]
    with app.app_context():
        _mail(tree, chipo, subject="Lusaka assembly next week")
        _mail(tree, chipo, subject="From ZLA only", organisation_id=tree.zla)
        db.session.commit()
    page = text_of(as_user("zambia").get(f"/coalitions/fia-zambia/supporters/{chipo}"))
    assert "Land for those who farm it Signed" in page
    assert "Write to the Minister Wrote to Minister of Lands" in page
    assert "FIA Zambia: yes" in page and "Zambia Land Alliance: yes" in page
    assert "Keep me posted (coalition)" in page and "test form" in page, "the wording they were shown"
    assert "Lusaka assembly next week Sent" in page
    assert "From ZLA only" not in page, "an organisation's mailing is the organisation's"


def test_coordinators_write_and_delete_notes(app, tree, as_user):
    zambia = as_user("zambia")
    chipo = tree.people["Chipo Mwale"]
    page = f"/coalitions/fia-zambia/supporters/{chipo}"
    added = submit(
        zambia,
        f"{page}/notes",
        {"body": "Can host a meeting in Kanyama.\nCall after 6pm."},
        follow=True,
        page=page,
    )
    assert "Note added." in text_of(added) and "Can host a meeting in Kanyama." in text_of(added)
    assert "zambia coordinator" in text_of(added)
    empty = submit(zambia, f"{page}/notes", {"body": "   "}, page=page)
    assert empty.status_code == 200 and "Write the note" in text_of(empty)
    # The alliance sees the chapter's notes; Mexico does not see Chipo at all.
    assert "Can host a meeting" in text_of(as_user("alliance").get(f"/coalitions/fia/supporters/{chipo}"))
    with app.app_context():
        note = db.session.scalar(select(PersonNote.id))
    mexico = submit(
        as_user("mexico"),
        f"/coalitions/fia-mexico/supporters/{chipo}/notes/{note}/delete",
        {},
        page="/coalitions/fia-mexico/supporters",
    )
    assert mexico.status_code == 404
    deleted = submit(zambia, f"{page}/notes/{note}/delete", {}, page=page, follow=True)
    assert "Note deleted." in text_of(deleted) and "Kanyama" not in text_of(deleted)


def test_an_organisation_sees_only_people_who_agree_to_hear_from_it_and_only_its_part(app, tree, as_user):
    zla = as_user("zla")
    listing = zla.get("/coalitions/fia-zambia/supporters")
    assert listing.status_code == 200
    assert "Chipo Mwale" in text_of(listing)
    for name in ("Lupita Tembo", "Bwalya Phiri", "Mutale Banda", "María López", "Ana Silva"):
        assert name not in text_of(listing), name
    html = listing.get_data(as_text=True)
    assert 'name="action"' not in html and 'name="consent"' not in html and 'name="active_days"' not in html
    assert "Tag everyone" not in html
    assert "Your organisation's mailings can then be sent" in text_of(listing), "a segment of its own"
    assert "error-summary" in zla.get("/coalitions/fia-zambia/supporters?active_days=3").get_data(
        as_text=True
    )
    chipo = tree.people["Chipo Mwale"]
    with app.app_context():
        _mail(tree, chipo, subject="News from FIA Zambia")
        _mail(tree, chipo, subject="From ZLA only", organisation_id=tree.zla)
        db.session.commit()
    page = text_of(zla.get(f"/coalitions/fia-zambia/supporters/{chipo}"))
    assert "Zambia Land Alliance: yes" in page and "FIA Zambia: yes" not in page
    assert "From ZLA only" in page and "News from FIA Zambia" not in page
    assert "Land for those who farm it" not in page and "Notes" not in page
    for name in ("Lupita Tembo", "Bwalya Phiri"):
        assert zla.get(f"/coalitions/fia-zambia/supporters/{tree.people[name]}").status_code == 404
    note = submit(
        zla,
        f"/coalitions/fia-zambia/supporters/{chipo}/notes",
        {"body": "Hi"},
        page="/coalitions/fia-zambia/supporters",
    )
    assert note.status_code == 403
    assert zla.get("/coalitions/fia-zambia/tags").status_code == 403
    # Where ZLA is no member, it sees nothing.
    assert zla.get("/coalitions/fia/supporters").status_code == 403
    assert zla.get("/coalitions/fia-mexico/supporters").status_code == 403
