"""Co-sponsors of a letter campaign, through the forms and the captured mail: a coordinator invites a
member organisation, its admin accepts through the e-mailed link, and the coordinator is sent its
tracking link; a writer who comes by it ticks the organisation's own consent box, confirms, and the
letter is attributed to it; the organisation's admins see that writer (and no one else) and
download them; the campaign's report counts the letters per source, on the page and in the CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from organiser.actions.letters.models import Letter, LetterSponsor
from organiser.actions.sponsorship.models import SponsorStatus
from organiser.coalitions.models import MembershipStatus, Organisation
from organiser.core.models import Role
from organiser.db import db
from organiser.people.models import ConsentEvent, ConsentSubject, Person
from tests.factories import (
    PASSWORD,
    CoalitionFactory,
    MembershipFactory,
    OrganisationFactory,
    TargetFactory,
    user_with_role,
)
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

SLUG = "essentials"
CAMPAIGN = f"/letters/{SLUG}"
WRITER = {
    "region": "Leeds",
    "country": "GB",
    "subject": "Guarantee the essentials",
    "body": "Please introduce an essentials guarantee in Universal Credit, for food and bills.",
}


@pytest.fixture
def coordinator(app):
    """SIA with two active members (each with an admin), an outsider in another coalition, and an open
    campaign to the Chancellor written by SIA's coordinator through the forms."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
        other = CoalitionFactory(name="Other Alliance", slug="other")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        for name, slug, coalition in [
            ("Women's Budget Group", "wbg", sia),
            ("Child Poverty Action Group", "cpag", sia),
            ("Outsider Org", "outsider", other),
        ]:
            org = OrganisationFactory(name=name, slug=slug)
            MembershipFactory(organisation=org, coalition=coalition, status=MembershipStatus.ACTIVE)
            user_with_role(Role.ORGANISATION_ADMIN, org.id, email=f"{slug}.admin@example.org")
        target = TargetFactory(coalition_id=sia.id, name="Rachel Reeves", email="chancellor@treasury.example")
        db.session.commit()
        target_id = str(target.id)
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    created = submit(
        client,
        "/coalitions/sia/letters/new",
        {
            "title": "Guarantee the essentials",
            "slug": SLUG,
            "intro": "Universal Credit does not cover life's essentials.",
            "subject": WRITER["subject"],
            "body": WRITER["body"],
            "target_mode": "fixed",
            "targets": [target_id],
        },
    )
    assert created.location == CAMPAIGN
    client.post(
        CAMPAIGN + "/open", data={"csrf_token": csrf_token(client.get(CAMPAIGN).get_data(as_text=True))}
    )
    return client


def _org_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Organisation.id).where(Organisation.slug == slug))


def _signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def _write_and_confirm(app, mail, path: str, **fields: str) -> None:
    visitor = app.test_client()
    page = visitor.get(path).get_data(as_text=True)
    hidden = dict(
        (name, value)
        for name, value in (
            ("source", _hidden(page, "source")),
            ("utm_source", _hidden(page, "utm_source")),
            ("shown_version", _hidden(page, "shown_version")),
        )
        if value
    )
    sent = visitor.post(CAMPAIGN + "/write", data={**WRITER, **hidden, **fields})
    assert "check your e-mail" in text_of(sent).lower(), text_of(sent)
    [confirmation] = [m for m in mail.wait_for_to(fields["email"]) if m["Subject"].startswith("Confirm")]
    assert "on its way" in text_of(visitor.post(path_of(links_in(confirmation)[0])))


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page) or re.search(
        rf'<input id="{name}" name="{name}" type="hidden" value="([^"]*)"', page
    )
    return match.group(1) if match else ""


def test_a_co_sponsor_is_invited_accepts_and_its_link_brings_writers_it_may_write_to(app, coordinator, mail):
    page = text_of(coordinator.get(CAMPAIGN + "/sponsors"))
    assert "Women's Budget Group" in page and "Outsider Org" not in page, "active members of the tree only"
    invited = submit(
        coordinator, CAMPAIGN + "/sponsors", {"organisation": str(_org_id(app, "wbg")), "code": "wbg"}
    )
    assert invited.status_code == 302
    [invitation] = mail.wait_for_to("wbg.admin@example.org")
    assert invitation["Subject"] == "Will Women's Budget Group co-sponsor “Guarantee the essentials”?"
    link = path_of(links_in(invitation)[0])
    assert link == "/organisations/wbg/letter-sponsorships"
    assert "Sponsored by" not in text_of(app.test_client().get(CAMPAIGN)), "not until it accepts"
    assert 'name="consent_sponsor"' not in app.test_client().get(CAMPAIGN + "?source=wbg").get_data(
        as_text=True
    )

    admin = _signed_in(app, "wbg.admin@example.org")
    answering = admin.get(link)
    assert "Co-sponsor “Guarantee the essentials”" in text_of(answering)
    with app.app_context():
        sponsorship_id = db.session.scalar(select(LetterSponsor.id))
    outsider = _signed_in(app, "cpag.admin@example.org")
    refused = outsider.post(
        f"/letter-sponsorships/{sponsorship_id}/accept",
        data={"csrf_token": csrf_token(outsider.get("/account").get_data(as_text=True))},
    )
    assert refused.status_code == 403, "only the organisation's own admins answer"
    mail.clear()
    accepted = admin.post(
        f"/letter-sponsorships/{sponsorship_id}/accept",
        data={"csrf_token": csrf_token(answering.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert (
        "Women's Budget Group co-sponsors “Guarantee the essentials”. Share your tracking link."
        in text_of(accepted)
    )
    tracking = "http://localhost/letters/essentials?source=wbg"
    assert tracking in text_of(accepted)
    [told] = mail.wait_for_to("coord@example.org")
    assert "Women's Budget Group co-sponsors" in told["Subject"] and tracking in links_in(told)
    assert tracking in text_of(coordinator.get(CAMPAIGN + "/sponsors"))

    through_link = app.test_client().get(path_of(tracking) + "&utm_source=newsletter")
    html = through_link.get_data(as_text=True)
    assert "Sponsored by Women's Budget Group" in text_of(through_link)
    assert 'name="consent_sponsor" type="checkbox" value="y">' in html, "its own box, not ticked"
    assert "Keep me updated by e-mail about campaigns of Women's Budget Group." in text_of(through_link)
    _write_and_confirm(
        app,
        mail,
        path_of(tracking) + "&utm_source=newsletter",
        name="Grace Hughes",
        email="grace@example.org",
        consent_sponsor="y",
    )
    _write_and_confirm(app, mail, path_of(tracking), name="Ian Ray", email="ian@example.org")  # no box
    _write_and_confirm(app, mail, CAMPAIGN, name="Jo Bloggs", email="jo@example.org", consent_sponsor="y")
    with app.app_context():
        letters = {x.name: x for x in db.session.scalars(select(Letter))}
        wbg = _org_id(app, "wbg")
        assert (letters["Grace Hughes"].sponsor_organisation_id, letters["Grace Hughes"].source) == (
            wbg,
            "wbg",
        )
        assert (
            letters["Grace Hughes"].utm_source == "newsletter"
            and letters["Ian Ray"].sponsor_organisation_id == wbg
        )
        assert (letters["Jo Bloggs"].sponsor_organisation_id, letters["Jo Bloggs"].consent_sponsor) == (
            None,
            False,
        )
        consents = db.session.execute(
            select(Person.email, ConsentEvent.wording)
            .join(Person, Person.id == ConsentEvent.person_id)
            .where(ConsentEvent.subject_type == ConsentSubject.ORGANISATION)
        ).all()
        assert consents == [
            ("grace@example.org", "Keep me updated by e-mail about campaigns of Women's Budget Group.")
        ]

    own = text_of(admin.get("/organisations/wbg/letter-sponsorships"))
    assert "1 letter writer you brought in" in own and "grace@example.org" in own
    assert "ian@example.org" not in own and "jo@example.org" not in own
    download = admin.get("/organisations/wbg/letter-supporters.csv")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["name"], r["email"], r["campaign"]) for r in rows] == [
        ("Grace Hughes", "grace@example.org", "Guarantee the essentials")
    ]
    assert (
        _signed_in(app, "cpag.admin@example.org").get("/organisations/wbg/letter-supporters.csv").status_code
        == 403
    )

    report = text_of(coordinator.get(CAMPAIGN + "/report"))
    per_source = report.split("Per source", 2)[2]
    assert "wbg 2" in per_source and "No source (the campaign's own page) 1" in per_source
    tallies = coordinator.get(CAMPAIGN + "/report.csv").get_data(as_text=True).lstrip("\ufeff")
    by_source = {
        r["name"]: r["letters"] for r in csv.DictReader(io.StringIO(tallies)) if r["breakdown"] == "source"
    }
    assert by_source == {"wbg": "2", "No source (the campaign's own page)": "1"}


def test_an_organisation_declines_and_its_code_attributes_nothing(app, coordinator, mail):
    submit(coordinator, CAMPAIGN + "/sponsors", {"organisation": str(_org_id(app, "cpag")), "code": "cpag"})
    admin = _signed_in(app, "cpag.admin@example.org")
    page = admin.get("/organisations/cpag/letter-sponsorships")
    with app.app_context():
        sponsorship_id = db.session.scalar(select(LetterSponsor.id))
    declined = admin.post(
        f"/letter-sponsorships/{sponsorship_id}/decline",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert "You declined to co-sponsor “Guarantee the essentials”." in text_of(declined)
    again = admin.post(
        f"/letter-sponsorships/{sponsorship_id}/accept",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert "This invitation has been answered already." in text_of(again)
    with app.app_context():
        assert db.session.scalar(select(LetterSponsor.status)) == SponsorStatus.DECLINED
    _write_and_confirm(
        app, mail, CAMPAIGN + "?source=cpag", name="Kim Lo", email="kim@example.org", consent_sponsor="y"
    )
    with app.app_context():
        letter = db.session.scalar(select(Letter))
        assert (letter.source, letter.sponsor_organisation_id, letter.consent_sponsor) == (
            "cpag",
            None,
            False,
        )
    clash = submit(
        coordinator, CAMPAIGN + "/sponsors", {"organisation": str(_org_id(app, "wbg")), "code": "cpag"}
    )
    assert "Another sponsor of this campaign has this code already" in text_of(clash)
