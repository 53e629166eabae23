"""An organisation's admins save a segment from what they see of the list (the people who agree to
hear from their organisation); only their organisation's mailings offer it, and the mail reaches
exactly the consenting people it matches."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import select

from organiser.actions.petitions.models import PetitionSponsor, SponsorStatus
from organiser.db import db
from organiser.messaging.services.audiences import audience_counts
from organiser.people.models import ConsentSubject, Person
from organiser.supporters.models import SavedSegment
from tests.factories import MailingFactory
from tests.helpers import csrf_token, submit, text_of
from tests.supporters.conftest import _consent
from tests.supporters.pages import segment_value

LUSAKA = f"?{urlencode({'region': 'Lusaka'})}"


def _sponsor_and_consent(app, tree) -> None:
    """ZLA co-sponsors the land petition (its mailings go out under FIA Zambia); Bwalya, of the
    Copperbelt, agrees to hear from ZLA too."""
    with app.app_context():
        db.session.add(
            PetitionSponsor(
                petition_id=tree.petition, organisation_id=tree.zla, code="zla", status=SponsorStatus.ACCEPTED
            )
        )
        _consent(db.session.get(Person, tree.people["Bwalya Phiri"]), ConsentSubject.ORGANISATION, tree.zla)
        db.session.commit()


def test_an_organisations_admins_mail_the_segment_they_saved(app, tree, as_user, mail):
    _sponsor_and_consent(app, tree)
    zla = as_user("zla")
    saved = submit(
        zla,
        f"/coalitions/fia-zambia/supporters/segments{LUSAKA}",
        {"name": "Lusaka"},
        page=f"/coalitions/fia-zambia/supporters{LUSAKA}",
        follow=True,
    )
    assert "Saved as the segment “Lusaka”" in text_of(saved)
    assert "Write a mailing" in text_of(saved)
    form_page = zla.get("/organisations/zla/mailings/new").get_data(as_text=True)
    value = segment_value(form_page, "Saved segment: Lusaka (FIA Zambia)")
    coordinators_form = as_user("zambia").get("/coalitions/fia-zambia/mailings/new").get_data(as_text=True)
    assert "Saved segment: Lusaka" not in coordinators_form, "an organisation's segment is its own"
    created = submit(
        zla,
        "/organisations/zla/mailings/new",
        {
            "subject": "Land news",
            "from_name": "Zambia Land Alliance",
            "segments": value,
            "body_markdown": "Hi",
        },
    )
    page = zla.get(created.location)
    assert "1 person will get it" in text_of(page), "Chipo: in Lusaka, agrees to hear from ZLA"
    mail.clear()
    zla.post(created.location + "/start", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert [m["To"].addresses[0].addr_spec for m in mail.wait_for(1)] == ["chipo@example.org"]


def test_an_organisations_segment_reaches_no_one_else_and_is_theirs_to_delete(app, tree, as_user):
    _sponsor_and_consent(app, tree)
    zla = as_user("zla")
    submit(
        zla,
        "/coalitions/fia-zambia/supporters/segments",
        {"name": "All ours"},
        page="/coalitions/fia-zambia/supporters",
    )
    again = submit(
        zla,
        "/coalitions/fia-zambia/supporters/segments",
        {"name": "All ours"},
        page="/coalitions/fia-zambia/supporters",
    )
    assert "There is a segment of that name already" in text_of(again)
    coordinators = submit(
        as_user("zambia"),
        "/coalitions/fia-zambia/supporters/segments",
        {"name": "All ours"},
        page="/coalitions/fia-zambia/supporters",
        follow=True,
    )
    assert "Saved as the segment “All ours”" in text_of(coordinators), "the coordinators' names are their own"
    with app.app_context():
        ours = db.session.scalar(select(SavedSegment).where(SavedSegment.organisation_id == tree.zla))
        spec = [{"kind": "supporter_segment", "params": {"segment_id": ours.id}}]
        assert audience_counts(MailingFactory(coalition_id=tree.zambia, segments=spec)) == (0, 0), (
            "a coalition's mailing gets nobody from an organisation's segment"
        )
        own = MailingFactory(coalition_id=tree.zambia, organisation_id=tree.zla, segments=spec)
        assert audience_counts(own) == (2, 0), "Chipo and Bwalya agree to hear from ZLA; Lupita withdrew"
        ours_id = ours.id
        theirs_id = db.session.scalar(select(SavedSegment.id).where(SavedSegment.organisation_id.is_(None)))
    delete = "/coalitions/fia-zambia/supporters/segments/{}/delete"
    assert (
        submit(zla, delete.format(theirs_id), {}, page="/coalitions/fia-zambia/supporters").status_code == 404
    )
    gone = submit(zla, delete.format(ours_id), {}, page="/coalitions/fia-zambia/supporters", follow=True)
    assert "The segment “All ours” is deleted." in text_of(gone)
