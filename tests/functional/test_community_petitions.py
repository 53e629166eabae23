"""Petitions started by supporters, as the people involved meet them: someone with no account starts
one, confirms it by e-mail and gathers 5 supporters through the captured mail; a coordinator approves
it and anyone can see it and sign it. Another is rejected with a reason from the published list, and
its creator is told. The creator's update reaches only the signers who agreed to hear."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from organiser.actions.petitions.community.models import CommunityPetition, PetitionUpdate
from organiser.actions.petitions.models import Petition, PetitionStatus, Signature
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import OutboxMessage
from tests.factories import PASSWORD, CoalitionFactory, TargetFactory, user_with_role
from tests.helpers import body_of, links_in, path_of, sign_in, submit, text_of

START = "/coalitions/sia/start-a-petition"
PETITION = {
    "title": "Build more social housing in Leeds",
    "ask": "Build 5,000 social homes in Leeds by 2030.",
    "background": "Private rents take half of what families here earn.",
}
CREATOR = {"name": "Amina Yusuf", "email": "amina@example.org"}
SUPPORTERS = [f"supporter{n}@example.org" for n in range(5)]
AGREED = SUPPORTERS[:3]  # they tick the box to hear from the coalition; the others do not


@pytest.fixture
def sia(app):
    """SIA, with a coordinator and one decision-maker on its list; and another coalition's coordinator."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org", locale="en")
        other = CoalitionFactory(slug="other")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        target = TargetFactory(coalition_id=sia.id, name="Leeds City Council", role="Housing committee")
        db.session.commit()
        return {"target": target.id}


def _coordinator(app, email: str = "coord@example.org"):
    client = app.test_client()
    sign_in(client, email, PASSWORD)
    return client


def _link(message, part: str) -> str:
    return path_of(next(link for link in links_in(message) if part in link))


def _start(app, mail, sia, **extra: str) -> tuple[object, str]:
    """Start a petition through the form and confirm it from the e-mail; (the creator's client,
    their own page's path)."""
    creator = app.test_client()
    page = creator.get(START)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert page.headers["Cache-Control"].startswith("public"), "cacheable like the petition page"
    sent = creator.post(START, data={**PETITION, **CREATOR, "target": str(sia["target"]), **extra})
    assert "check your e-mail" in text_of(sent).lower() and CREATOR["email"] in text_of(sent)
    [confirm] = [m for m in mail.wait_for_to(CREATOR["email"]) if "Confirm your petition" in m["Subject"]]
    link = _link(confirm, "/community/confirm/")
    assert "Confirm my petition" in text_of(creator.get(link)), "a mail scanner's GET changes nothing"
    with app.app_context():
        latest = select(CommunityPetition.state).order_by(CommunityPetition.id.desc())
        assert db.session.scalar(latest) == "pending"
    confirmed = creator.post(link)
    assert confirmed.status_code == 303
    return creator, confirmed.location


def _support(app, mail, share: str, address: str, *, agree: bool) -> str:
    """One supporter through the private link and their e-mailed confirmation; the thanks page."""
    supporter = app.test_client()
    form = {"name": address.split("@")[0].title(), "email": address}
    if agree:
        form["consent_coalition"] = "y"
    answer = supporter.post(share, data=form, environ_base={"REMOTE_ADDR": f"10.1.0.{len(address)}"})
    assert "check your e-mail" in text_of(answer).lower()
    [message] = mail.wait_for_to(address)
    link = _link(message, "/community/support/confirm/")
    assert "Confirm my support" in text_of(supporter.get(link))
    return text_of(supporter.post(link))


def test_a_petition_from_a_supporter_is_confirmed_supported_approved_and_public(app, sia, mail):
    empty = app.test_client().post(START, data={"name": "", "email": "not-an-address"})
    assert text_of(empty).startswith("Error:")
    assert "Enter a title" in text_of(empty)
    assert "Enter an e-mail address in the right format" in text_of(empty)

    creator, own_page = _start(app, mail, sia)
    page = text_of(creator.get(own_page))
    assert "Gathering its first supporters" in page and "0 of 5" in page
    [started] = [m for m in mail.to(CREATOR["email"]) if "Your petition:" in m["Subject"]]
    share = _link(started, "/community/support/")
    assert own_page in links_in(started)[-1]
    with app.app_context():
        slug = db.session.scalar(select(Petition.slug))
    assert app.test_client().get(f"/petitions/{slug}").status_code == 404, "not public before approval"
    assert PETITION["title"] not in text_of(app.test_client().get("/coalitions/sia")), "nor listed"
    assert "Build 5,000 social homes" in text_of(app.test_client().get(share)), "the private link shows it"

    for n, address in enumerate(SUPPORTERS):
        thanks = _support(app, mail, share, address, agree=address in AGREED)
        if n < 4:
            assert f"{n + 1} supporters so far" in thanks or "1 supporter so far" in thanks
    assert "the coordinators of Structural Inequalities Alliance are checking it" in thanks
    [waiting] = mail.wait_for_to("coord@example.org")
    assert "waits for your decision" in waiting["Subject"] and "5 supporters" in body_of(waiting)
    assert mail.to("other@example.org") == [], "another coalition's coordinators are not asked"
    assert any("with the coordinators" in m["Subject"] for m in mail.wait_for_to(CREATOR["email"], 3))

    coordinator = _coordinator(app)
    queue = text_of(coordinator.get("/coalitions/sia/community-petitions"))
    assert "Waiting for your decision" in queue and PETITION["title"] in queue and "5 supporters" in queue
    review = _link(waiting, "/review")
    assert "Amina Yusuf" in text_of(coordinator.get(review))
    outsider = _coordinator(app, "other@example.org")
    assert outsider.get(review).status_code == 403
    assert submit(outsider, review + "/approve", {}, page="/account").status_code == 403
    approved = submit(coordinator, review + "/approve", {}, page=review, follow=True)
    assert "Approved: the petition is open for signatures" in text_of(approved)

    [published] = [m for m in mail.wait_for_to(CREATOR["email"], 4) if "is published" in m["Subject"]]
    assert f"/petitions/{slug}" in body_of(published)
    visitor = app.test_client().get(f"/petitions/{slug}")
    assert visitor.status_code == 200 and "Set-Cookie" not in visitor.headers
    assert visitor.headers["Cache-Control"].startswith("public")
    public = text_of(visitor)
    assert "Started by Amina Yusuf, a supporter" in public and "6 signatures" in public, "the creator and 5"
    assert "To: Leeds City Council, Housing committee" in public and "Sign the petition" in public
    with app.app_context():
        assert db.session.scalar(select(Petition.status)) == PetitionStatus.OPEN
    assert PETITION["title"] in text_of(app.test_client().get("/coalitions/sia")), "listed with SIA's actions"
    assert PETITION["title"] in text_of(app.test_client().get("/search?q=social+homes")), "and found"
    assert app.test_client().get(share).status_code == 302, "the private link now leads to the public page"

    adopted = submit(coordinator, review + "/adopt", {}, page=review, follow=True)
    assert "Adopted" in text_of(adopted)
    assert "A petition of Structural Inequalities Alliance, started by Amina Yusuf" in text_of(
        app.test_client().get(f"/petitions/{slug}")
    )

    # The creator writes to the signers; a coordinator approves; only those who agreed get it.
    mail.clear()
    updates = own_page + "/updates"
    assert "Write an update" in text_of(creator.get(own_page))
    bad = creator.post(updates, data={"subject": "", "body": ""})
    assert "Enter a subject" in text_of(bad) and text_of(bad).startswith("Error:")
    news = {"subject": "The council will hear us", "body": "The housing committee meets on 3 March."}
    assert "A coordinator reads your update" in text_of(creator.post(updates, data=news))
    [asked] = mail.wait_for_to("coord@example.org")
    assert "waits for your approval" in asked["Subject"]
    with app.app_context():
        update_id = db.session.scalar(select(PetitionUpdate.id))
        unsent = select(OutboxMessage).where(OutboxMessage.subject == news["subject"])
        assert db.session.scalar(unsent) is None, "nothing goes before a coordinator approves"
    sent = submit(coordinator, f"/petitions/{slug}/updates/{update_id}/approve", {}, page=review, follow=True)
    assert "the update is being sent" in text_of(sent)
    for address in AGREED:
        [update] = [m for m in mail.wait_for_to(address) if m["Subject"] == news["subject"]]
        assert "The housing committee meets on 3 March." in body_of(update)
        assert "An update from Amina Yusuf" in body_of(update) and update["List-Unsubscribe"]
    with app.app_context():
        recipients = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.subject == news["subject"])
        ).all()
    assert sorted(recipients) == sorted(AGREED), "only the signers who agreed to hear"
    assert any("Your update was sent" in m["Subject"] for m in mail.wait_for_to(CREATOR["email"]))


def test_another_is_rejected_with_a_published_reason_and_its_creator_told(app, sia, mail):
    coordinator = _coordinator(app)
    rules = submit(
        coordinator,
        "/coalitions/sia/community-petitions",
        {"open_to_supporters": "y", "supporters_needed": "0"},
        follow=True,
    )
    assert "New petitions follow these rules" in text_of(rules)
    creator, own_page = _start(app, mail, sia)
    assert "Being checked by the coordinators" in text_of(creator.get(own_page)), "no supporters asked for"
    with app.app_context():
        slug = db.session.scalar(select(Petition.slug))
    review = f"/petitions/{slug}/review"
    missing = submit(coordinator, review + "/reject", {"note": "Sign the other one."}, page=review)
    assert "Choose a reason" in text_of(missing) and text_of(missing).startswith("Error:")
    rejected = submit(
        coordinator,
        review + "/reject",
        {"rejection_reason": "duplicate", "note": "Sign “Social homes for all” instead."},
        page=review,
        follow=True,
    )
    assert "Rejected: its creator has been told why" in text_of(rejected)
    [told] = [m for m in mail.wait_for_to(CREATOR["email"], 3) if "was not published" in m["Subject"]]
    body = body_of(told)
    assert "There is already a petition about the same thing" in body
    assert "Sign “Social homes for all” instead." in body and "/community/standards" in body
    standards = app.test_client().get("/community/standards")
    assert "There is already a petition about the same thing" in text_of(standards)
    assert standards.headers["Cache-Control"].startswith("public")
    own = text_of(creator.get(own_page))
    assert "Not published" in own and "There is already a petition about the same thing" in own
    assert app.test_client().get(f"/petitions/{slug}").status_code == 404, "never public"
    page = coordinator.get(f"/petitions/{slug}").get_data(as_text=True)
    opened = submit(coordinator, f"/petitions/{slug}/open", {}, page=f"/petitions/{slug}", follow=True)
    assert "opens when you approve it" in text_of(opened) and "Open it for signatures" in page
    with app.app_context():
        assert db.session.scalar(select(Petition.status)) == PetitionStatus.DRAFT


def test_the_creator_changes_it_before_publication_and_closes_it(app, sia, mail):
    creator, own_page = _start(app, mail, sia)
    edit = own_page + "/edit"
    assert PETITION["ask"] in creator.get(edit).get_data(as_text=True)
    refused = creator.post(edit, data={**PETITION, "title": ""})
    assert "Enter a title" in text_of(refused) and text_of(refused).startswith("Error:")
    nobody = creator.post(edit, data={**PETITION, "target": "", "target_name": ""})
    assert "Choose who can make it happen, or name them" in text_of(nobody)
    stranger = creator.post(edit, data={**PETITION, "target": "999999"})
    assert "Choose someone from the list" in text_of(stranger)
    changed = {**PETITION, "title": "Social homes for Leeds", "target_name": "The mayor"}
    saved = creator.post(edit, data=changed)
    assert "Your changes are saved" in text_of(saved)
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        assert petition.title == "Social homes for Leeds" and petition.target == "The mayor"
        assert not petition.targets
    closed = creator.post(own_page + "/close")
    assert "It will not be published" in text_of(closed)
    assert "Change it" not in text_of(creator.get(own_page))
    assert creator.get(edit).status_code == 200 and "Save my changes" not in text_of(creator.get(edit))
    share = _link(next(m for m in mail.to(CREATOR["email"]) if "Your petition:" in m["Subject"]), "/support/")
    refused = app.test_client().post(share, data={"name": "Late", "email": "late@example.org"})
    assert refused.status_code == 409 and "not gathering support any more" in text_of(refused)
    assert app.test_client().get(own_page.replace("/petition/", "/petition/x")).status_code == 404


def test_the_start_form_answers_the_same_whoever_and_floods_no_mailbox(app, sia, mail):
    _start(app, mail, sia)
    mail.clear()
    visitor = app.test_client()
    known = visitor.post(START, data={**PETITION, **CREATOR, "target_name": "The mayor"})
    fresh = visitor.post(START, data={**PETITION, **CREATOR, "email": "new@example.org", "target_name": "X"})
    assert text_of(known).replace(CREATOR["email"], "@") == text_of(fresh).replace("new@example.org", "@")
    for _n in range(4):  # a mailbox gets at most three unconfirmed petitions' links
        visitor.post(START, data={**PETITION, **CREATOR, "target_name": "The mayor"})
    mail.wait_for_to(CREATOR["email"], 3)
    with app.app_context():
        assert len(db.session.scalars(select(CommunityPetition)).all()) == 1 + 3 + 1
    assert len(mail.to(CREATOR["email"])) == 3
    trap = {**PETITION, **CREATOR, "website": "http://spam.example", "target_name": "X"}
    bot = visitor.post(START, data=trap)
    assert text_of(bot) == text_of(known), "the honeypot: answered as a person is"
    with app.app_context():
        assert len(db.session.scalars(select(Signature)).all()) == 1, "only the confirmed creator's signature"


def test_erasing_its_creator_keeps_the_petition_and_kills_their_links(app, sia, mail):
    from organiser.people.models import Person
    from organiser.privacy.services import erase_person

    creator, own_page = _start(app, mail, sia)
    coordinator = _coordinator(app)
    with app.app_context():
        slug = db.session.scalar(select(Petition.slug))
        assert "Not published: gathering its first supporters" in text_of(
            coordinator.get(f"/petitions/{slug}")
        )
    submit(coordinator, f"/petitions/{slug}/review/approve", {}, page=f"/petitions/{slug}/review")
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == CREATOR["email"]))
        erase_person(person, requested_by="the person")
        db.session.commit()
        community = db.session.scalar(select(CommunityPetition))
        assert community.person_id is None and community.creator_name == "" and community.ip == ""
    assert creator.get(own_page).status_code == 404, "the creator's links die with their data"
    public = text_of(app.test_client().get(f"/petitions/{slug}"))
    assert "Started by a supporter, a supporter" not in public and "Amina" not in public
    assert "Started by a supporter" in public
