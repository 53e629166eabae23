"""Co-sponsors: a coordinator invites member organisations, their admins answer through the e-mailed
link, signers who come by a sponsor's tracking link may agree to hear from it, and the sponsor's
admins see and export exactly those supporters — no one else."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from organiser.actions.petitions.models import Petition, PetitionSponsor, Signature, SponsorStatus
from organiser.coalitions.models import MembershipStatus, Organisation
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.services.suppression import unsubscribe
from organiser.people.models import ConsentEvent, ConsentSubject, Person
from organiser.people.services import record_consent
from tests.factories import PASSWORD, CoalitionFactory, MembershipFactory, OrganisationFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

PETITION = "/petitions/two-child-limit"
SIGNER = {"name": "Someone", "region": "Leeds", "country": "GB"}


@pytest.fixture
def coordinator(app):
    """SIA with two active members (each with an admin), an applicant, an outsider organisation in
    another coalition, and an open petition written by SIA's coordinator through the forms."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        other = CoalitionFactory(name="Other Alliance", slug="other")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        for name, slug, coalition, status in [
            ("Women's Budget Group", "wbg", sia, MembershipStatus.ACTIVE),
            ("Child Poverty Action Group", "cpag", sia, MembershipStatus.ACTIVE),
            ("Applicant Trust", "applicant", sia, MembershipStatus.APPLIED),
            ("Outsider Org", "outsider", other, MembershipStatus.ACTIVE),
        ]:
            org = OrganisationFactory(name=name, slug=slug)
            MembershipFactory(organisation=org, coalition=coalition, status=status)
            user_with_role(Role.ORGANISATION_ADMIN, org.id, email=f"{slug}.admin@example.org")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    created = submit(
        client,
        "/coalitions/sia/petitions/new",
        {
            "title": "Scrap the two-child limit",
            "slug": "two-child-limit",
            "ask": "Scrap the two-child limit.",
            "goal": "1000",
        },
    )
    assert created.location == PETITION
    client.post(
        PETITION + "/open", data={"csrf_token": csrf_token(client.get(PETITION).get_data(as_text=True))}
    )
    return client


def _org_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Organisation.id).where(Organisation.slug == slug))


def _signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def _invite(app, coordinator, mail, slug: str, code: str = "") -> str:
    """Invite through the form; returns the link the organisation's admin was e-mailed."""
    mail.clear()
    sent = submit(
        coordinator, PETITION + "/sponsors", {"organisation": str(_org_id(app, slug)), "code": code}
    )
    assert sent.status_code == 302, text_of(sent)
    [message] = mail.wait_for_to(f"{slug}.admin@example.org")
    [link] = links_in(message)
    return path_of(link)


def _answer(app, link: str, slug: str, button: str) -> str:
    admin = _signed_in(app, f"{slug}.admin@example.org")
    page = admin.get(link)
    assert page.status_code == 200
    with app.app_context():
        sponsor_id = db.session.scalar(
            select(PetitionSponsor.id).join(Organisation).where(Organisation.slug == slug)
        )
    answered = admin.post(
        f"/sponsorships/{sponsor_id}/{button}",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    return text_of(answered)


def _sign(client, mail, email: str, *, source: str = "", confirm: bool = True, **choices: str) -> None:
    """Sign through the public form (opened with the tracking link), and confirm through the e-mail."""
    mail.clear()
    page = client.get(PETITION + (f"?source={source}" if source else ""))
    assert page.status_code == 200
    data = {**SIGNER, "name": email.split("@")[0].title(), "email": email, "source": source, **choices}
    assert "check your e-mail" in text_of(client.post(PETITION + "/sign", data=data)).lower()
    if confirm:
        [message] = mail.wait_for_to(email)
        assert "Thank you for signing" in text_of(client.post(path_of(links_in(message)[0])))


def test_coordinator_invites_and_only_that_organisations_admin_answers(app, coordinator, mail):
    page = text_of(coordinator.get(PETITION + "/sponsors"))
    assert "Women's Budget Group" in page and "Child Poverty Action Group" in page
    assert "Applicant Trust" not in page and "Outsider Org" not in page, "only active members of the tree"

    blank = submit(coordinator, PETITION + "/sponsors", {"organisation": "", "code": ""})
    assert "Choose an organisation" in text_of(blank) and text_of(blank).startswith("Error:")
    outsider = submit(coordinator, PETITION + "/sponsors", {"organisation": str(_org_id(app, "outsider"))})
    assert "Choose an organisation from the list" in text_of(outsider)
    bad_code = submit(
        coordinator, PETITION + "/sponsors", {"organisation": str(_org_id(app, "wbg")), "code": "Bad Code!"}
    )
    assert "Use lower-case letters, digits and hyphens" in text_of(bad_code)

    link = _invite(app, coordinator, mail, "wbg")
    assert link == "/organisations/wbg/sponsorships"
    assert app.test_client().get(link).status_code == 302, "sign in first"
    assert _signed_in(app, "cpag.admin@example.org").get(link).status_code == 403
    assert _signed_in(app, "other@example.org").get(link).status_code == 403

    with app.app_context():
        sponsor = db.session.scalar(select(PetitionSponsor))
        assert sponsor.status == SponsorStatus.INVITED and sponsor.code == "wbg"
        sponsor_id = sponsor.id
    for intruder in ("cpag.admin@example.org", "other@example.org", "coord@example.org"):
        client = _signed_in(app, intruder)
        token = csrf_token(client.get("/account").get_data(as_text=True))
        refused = client.post(f"/sponsorships/{sponsor_id}/accept", data={"csrf_token": token})
        assert refused.status_code == 403, intruder
    assert app.test_client().post(f"/sponsorships/{sponsor_id}/accept").status_code in (302, 400)
    assert "Sponsored by" not in text_of(app.test_client().get(PETITION)), "not before it accepts"

    mail.clear()
    answered = _answer(app, link, "wbg", "accept")
    assert "Women's Budget Group co-sponsors “Scrap the two-child limit”" in answered
    assert "http://localhost/petitions/two-child-limit?source=wbg" in answered
    [told] = mail.wait_for_to("coord@example.org")
    assert "Women's Budget Group co-sponsors" in told["Subject"]
    assert "already" in _answer(app, link, "wbg", "decline"), "answered once"

    _answer(app, _invite(app, coordinator, mail, "cpag", code="cpag-north"), "cpag", "decline")
    listing = text_of(coordinator.get(PETITION + "/sponsors"))
    assert "?source=wbg" in listing and "?source=cpag-north" not in listing and "declined" in listing

    visitor = app.test_client()
    public = text_of(visitor.get(PETITION))
    assert "Sponsored by Women's Budget Group" in public and "Child Poverty" not in public
    assert "campaigns of Women's Budget Group" not in public, "no sponsor box without its link"
    through = visitor.get(PETITION + "?source=wbg").get_data(as_text=True)
    assert (
        'name="consent_sponsor"' in through
        and "checked" not in through.split('name="consent_sponsor"')[0][-80:]
    )
    assert "Keep me updated by e-mail about campaigns of Women&#39;s Budget Group." in through
    assert "Women's Budget Group, which shared this petition with you" in text_of(
        visitor.get(PETITION + "?source=wbg")
    )
    for code in ("cpag-north", "nobody"):
        assert 'name="consent_sponsor"' not in visitor.get(f"{PETITION}?source={code}").get_data(as_text=True)

    for path in (PETITION + "/sponsors", PETITION + "/milestones"):
        assert app.test_client().get(path).status_code == 302
        assert _signed_in(app, "other@example.org").get(path).status_code == 403
        assert _signed_in(app, "wbg.admin@example.org").get(path).status_code == 403


def test_a_sponsors_admin_exports_exactly_the_supporters_it_brought_in_who_consented(app, coordinator, mail):
    _answer(app, _invite(app, coordinator, mail, "wbg"), "wbg", "accept")
    _answer(app, _invite(app, coordinator, mail, "cpag"), "cpag", "accept")
    visitor = app.test_client()
    _sign(visitor, mail, "alice@example.org", source="wbg", consent_sponsor="y")
    _sign(visitor, mail, "grace@example.org", source="wbg", consent_sponsor="y", name="=HYPERLINK(1)")
    _sign(visitor, mail, "bob@example.org", source="wbg", consent_coalition="y")  # no sponsor consent
    _sign(visitor, mail, "carol@example.org", source="wbg", consent_sponsor="y", confirm=False)
    _sign(visitor, mail, "dan@example.org", source="wbg", consent_sponsor="y")  # withdraws below
    _sign(visitor, mail, "erin@example.org", source="cpag", consent_sponsor="y")  # another sponsor's
    _sign(visitor, mail, "jade@example.org", source="wbg", consent_sponsor="y")  # stops all mail below
    _sign(visitor, mail, "frank@example.org", consent_coalition="y")  # no source
    _sign(visitor, mail, "hana@example.org", consent_sponsor="y")  # a forged box without the link
    _sign(visitor, mail, "ivan@example.org", source="unknown-code", consent_sponsor="y")
    wbg = _org_id(app, "wbg")
    with app.app_context():
        dan = db.session.scalar(select(Person).where(Person.email == "dan@example.org"))
        record_consent(dan, ConsentSubject.ORGANISATION, wbg, given=False, source="unsubscribe")
        jade = db.session.scalar(select(Person).where(Person.email == "jade@example.org"))
        unsubscribe(jade, ConsentSubject.COALITION, jade.tree_id, everything=True, source="unsubscribe")
        # Attribution is kept on the signature: changing the code later loses nobody.
        db.session.scalar(
            select(PetitionSponsor).where(PetitionSponsor.organisation_id == wbg)
        ).code = "wbg-2"
        db.session.commit()
        by_email = {p.email: s for s, p in db.session.execute(select(Signature, Person).join(Person)).all()}
        assert by_email["alice@example.org"].sponsor_organisation_id == wbg
        assert by_email["alice@example.org"].source == "wbg"
        assert by_email["ivan@example.org"].source == "unknown-code"
        assert by_email["ivan@example.org"].sponsor_organisation_id is None
        assert by_email["frank@example.org"].sponsor_organisation_id is None
        [event] = db.session.scalars(
            select(ConsentEvent).where(
                ConsentEvent.person_id == by_email["alice@example.org"].person_id,
                ConsentEvent.subject_type == ConsentSubject.ORGANISATION,
            )
        )
        assert event.subject_id == wbg and event.given and event.source == "petition:two-child-limit"
        assert event.wording == "Keep me updated by e-mail about campaigns of Women's Budget Group."
        assert not db.session.scalars(
            select(ConsentEvent).where(
                ConsentEvent.subject_type == ConsentSubject.ORGANISATION,
                ConsentEvent.person_id.in_(
                    [by_email["hana@example.org"].person_id, by_email["ivan@example.org"].person_id]
                ),
            )
        ).all(), "no sponsor consent without an accepted sponsor's link"

    admin = _signed_in(app, "wbg.admin@example.org")
    page = text_of(admin.get("/organisations/wbg/supporters"))
    assert "2 supporters" in page and "alice@example.org" in page and "bob@example.org" not in page
    assert "http://localhost/petitions/two-child-limit?source=wbg-2" in page
    download = admin.get("/organisations/wbg/supporters.csv")
    assert download.headers["Content-Type"].startswith("text/csv")
    assert download.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert {r["email"] for r in rows} == {"alice@example.org", "grace@example.org"}
    assert list(rows[0]) == [
        "name",
        "email",
        "region",
        "country",
        "petition",
        "signed_at",
        "confirmed_at",
        "consent_given_at",
    ]
    grace = next(r for r in rows if r["email"] == "grace@example.org")
    assert grace["name"] == "'=HYPERLINK(1)", "formula-safe"
    assert grace["petition"] == "Scrap the two-child limit" and grace["region"] == "Leeds"
    assert grace["confirmed_at"] and grace["consent_given_at"]

    # The sponsor writes to them: exactly the same people get it.
    mail.clear()
    form = admin.get("/organisations/wbg/mailings/new").get_data(as_text=True)
    segment = re.search(r'name="segments"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="segments"', form)
    value = (segment.group(1) or segment.group(2)).replace("&#34;", '"')
    empty = submit(
        admin, "/organisations/wbg/mailings/new", {"subject": "", "segments": value, "body_markdown": "Hi"}
    )
    assert "Error:" in text_of(empty) and empty.status_code == 200
    created = submit(
        admin,
        "/organisations/wbg/mailings/new",
        {
            "subject": "Thank you",
            "from_name": "Women's Budget Group",
            "segments": value,
            "body_markdown": "Hello",
        },
    )
    assert "2 people will get it" in text_of(admin.get(created.location))
    token = csrf_token(admin.get(created.location).get_data(as_text=True))
    admin.post(created.location + "/start", data={"csrf_token": token})
    received = sorted(m["To"].addresses[0].addr_spec for m in mail.wait_for(2))
    assert received == ["alice@example.org", "grace@example.org"]
    assert _signed_in(app, "cpag.admin@example.org").get(created.location).status_code == 403
    assert _signed_in(app, "cpag.admin@example.org").get("/organisations/wbg/mailings/new").status_code == 403

    cpag_rows = _signed_in(app, "cpag.admin@example.org").get("/organisations/cpag/supporters.csv")
    assert {r["email"] for r in csv.DictReader(io.StringIO(cpag_rows.get_data(as_text=True)))} == {
        "erin@example.org"
    }
    for path in ("/organisations/wbg/supporters", "/organisations/wbg/supporters.csv"):
        assert app.test_client().get(path).status_code == 302, "sign in first"
        for intruder in ("cpag.admin@example.org", "outsider.admin@example.org", "other@example.org"):
            assert _signed_in(app, intruder).get(path).status_code == 403, (path, intruder)
        assert _signed_in(app, "coord@example.org").get(path).status_code == 403, "not even the coordinator"


def test_codes_clash_declined_sponsors_may_be_asked_again_and_an_admin_less_member_gets_one(
    app, coordinator, mail
):
    _answer(app, _invite(app, coordinator, mail, "wbg", code="north"), "wbg", "decline")
    clash = submit(
        coordinator, PETITION + "/sponsors", {"organisation": str(_org_id(app, "cpag")), "code": "north"}
    )
    assert "Another sponsor of this petition has this code already" in text_of(clash)
    assert _invite(app, coordinator, mail, "wbg") == "/organisations/wbg/sponsorships", "asked again"
    assert "accepted" in _answer(app, "/organisations/wbg/sponsorships", "wbg", "accept")

    with app.app_context():
        coalition = db.session.scalar(select(Petition)).coalition
        lonely = OrganisationFactory(name="No Admin Yet", slug="no-admin")
        MembershipFactory(organisation=lonely, coalition=coalition, contact_email="contact@no-admin.example")
        db.session.commit()
    mail.clear()
    submit(coordinator, PETITION + "/sponsors", {"organisation": str(_org_id(app, "no-admin"))})
    [invitation] = mail.wait_for_to("contact@no-admin.example")
    assert "No Admin Yet" in invitation["Subject"], "invited to administer it, so someone can answer"


def test_a_sign_form_with_errors_keeps_the_sponsors_box(app, coordinator, mail):
    _answer(app, _invite(app, coordinator, mail, "wbg"), "wbg", "accept")
    again = app.test_client().post(
        PETITION + "/sign", data={**SIGNER, "name": "", "email": "x@example.org", "source": "wbg"}
    )
    html = again.get_data(as_text=True)
    assert "Enter your name" in text_of(again)
    assert 'name="consent_sponsor"' in html and 'name="source" value="wbg"' in html
