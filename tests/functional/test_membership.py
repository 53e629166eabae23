"""An organisation applies to join; a coordinator approves; the contact person follows the
invitation, sets a password, edits the profile and appears in the public directory."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from organiser.coalitions.models import Membership, MembershipStatus, Organisation
from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, MembershipFactory, OrganisationFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

PRINCIPLES = [
    "Shift the policy focus on to equality of outcome (equity).",
    "Ensure fairness to each generation.",
]
APPLICATION = {
    "name": "Women's Budget Group",
    "type": "ngo",
    "country": "GB",
    "region": "London",
    "website": "https://wbg.example.org",
    "description": "Feminist economics for a fairer budget.",
    "contact_name": "Mary Ann",
    "contact_email": "Mary.Ann@example.org",
    "endorse": "y",
}


@pytest.fixture
def sia(app):
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", principles=PRINCIPLES)
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zm", parent=fia, country="ZM")
        mexico = CoalitionFactory(name="FIA Mexico", slug="fia-mx", parent=fia, country="MX")
        MembershipFactory(
            coalition=mexico,
            organisation=OrganisationFactory(name="Oxfam México", country="MX"),
            status=MembershipStatus.APPLIED,
            contact_email="mx@example.org",
            contact_name="Ana",
        )
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        user_with_role(Role.COALITION_COORDINATOR, fia.id, email="fia@example.org")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="zambia@example.org")
        db.session.commit()


def _application_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Membership.id).join(Organisation).where(Organisation.name == name))


def test_apply_approve_accept_invitation_edit_profile_and_appear_in_directory(app, sia, mail):
    applicant = app.test_client()
    page = text_of(applicant.get("/coalitions/sia/join"))
    assert "Ensure fairness to each generation." in page
    sent = submit(applicant, "/coalitions/sia/join", APPLICATION)
    assert "Application sent" in text_of(sent)
    [received] = mail.wait_for(1)
    assert received["To"] == "mary.ann@example.org"
    assert "2. Ensure fairness to each generation." in received.get_body(("plain",)).get_content()
    mail.clear()

    # Applying again records nothing; the page answers as to anyone (a public form reveals nothing
    # of who applied), and only the contact's mailbox is told it was a repeat.
    again = submit(applicant, "/coalitions/sia/join", {**APPLICATION, "name": "  women's budget GROUP "})
    assert text_of(again) == text_of(sent), "the same answer as the first application"
    [repeat] = mail.wait_for(1)
    assert repeat["To"] == "mary.ann@example.org"
    assert "applied to join Structural Inequalities Alliance already" in " ".join(
        repeat.get_content().split()
    )
    assert "Nothing new was recorded" in repeat.get_content()
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 2, "no second organisation"
        assert db.session.scalar(select(func.count(Membership.id))) == 2, "no second application"
    mail.clear()
    assert "Women's Budget Group" not in text_of(app.test_client().get("/coalitions/sia")), (
        "not before approval"
    )

    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.org", PASSWORD)
    desk = coordinator.get("/coalitions/sia/members")
    assert "1 application to decide on" in text_of(desk)
    membership_id = _application_id(app, "Women's Budget Group")
    token = csrf_token(desk.get_data(as_text=True))
    done = coordinator.post(
        f"/memberships/{membership_id}/approve",
        data={"csrf_token": token, "role": "steering"},
        follow_redirects=True,
    )
    assert "Women's Budget Group is now a member" in text_of(done)
    assert "application approved" in text_of(done), "the audit trail shows the decision"

    messages = mail.wait_for(2)
    assert {m["Subject"] for m in messages} == {
        "Women's Budget Group is now a member of Structural Inequalities Alliance",
        "You are invited to Women's Budget Group on Organiser",
    }
    invitation = next(m for m in messages if m["Subject"].startswith("You are invited"))
    [link] = links_in(invitation)
    accepted = submit(
        applicant,
        path_of(link),
        {"name": "Mary Ann", "password": "feminist budget 2026", "confirm": "feminist budget 2026"},
    )
    assert accepted.status_code == 302
    assert sign_in(applicant, "mary.ann@example.org", "feminist budget 2026").status_code == 302
    account = text_of(applicant.get("/account"))
    assert "Women's Budget Group" in account and "Edit the profile" in account

    with app.app_context():
        slug = db.session.scalar(select(Organisation.slug).where(Organisation.name == "Women's Budget Group"))
    bad = submit(
        applicant, f"/organisations/{slug}/edit", {**APPLICATION, "country": "XX", "website": "not a url"}
    )
    assert "Choose a country from the list" in text_of(bad)
    assert "Enter a web address like https://example.org" in text_of(bad)
    saved = submit(
        applicant,
        f"/organisations/{slug}/edit",
        {**APPLICATION, "description": "Analysing budgets for gender equality since 1989."},
        follow=True,
    )
    assert "Profile saved" in text_of(saved)

    directory = text_of(app.test_client().get("/coalitions/sia"))
    assert "Women's Budget Group steering group" in directory
    assert "Analysing budgets for gender equality since 1989." in directory


def test_declining_needs_a_reason_and_tells_the_applicant(app, sia, mail):
    submit(app.test_client(), "/coalitions/sia/join", APPLICATION)
    mail.wait_for(1)
    mail.clear()
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.org", PASSWORD)
    membership_id = _application_id(app, "Women's Budget Group")
    token = csrf_token(coordinator.get("/coalitions/sia/members").get_data(as_text=True))
    empty = coordinator.post(
        f"/memberships/{membership_id}/decline",
        data={"csrf_token": token, "reason": ""},
        follow_redirects=True,
    )
    assert "Say why the application is declined" in text_of(empty)
    assert mail.messages == []
    coordinator.post(
        f"/memberships/{membership_id}/decline",
        data={"csrf_token": token, "reason": "We only take UK-wide bodies for now."},
    )
    [message] = mail.wait_for(1)
    assert "We only take UK-wide bodies for now." in message.get_body(("plain",)).get_content()
    with app.app_context():
        assert db.session.get(Membership, membership_id).status == MembershipStatus.DECLINED


def test_bad_applications_are_explained_and_write_nothing(app, sia, mail):
    response = submit(
        app.test_client(),
        "/coalitions/sia/join",
        {
            **APPLICATION,
            "name": "",
            "country": "XX",
            "type": "pirates",
            "contact_email": "nope",
            "endorse": "",
        },
    )
    text = text_of(response)
    for message in (
        "Enter the organisation's name",
        "Choose a country from the list",
        "Choose the type of organisation",
        "Enter an e-mail address in the right format",
        "Endorse the principles to apply",
    ):
        assert message in text
    with app.app_context():
        assert db.session.scalar(select(Organisation).where(Organisation.name == "")) is None
        assert db.session.scalar(select(Membership).where(Membership.contact_email == "nope")) is None
    assert mail.messages == []


@pytest.mark.parametrize(
    ("who", "zambia", "mexico"),
    [
        ("zambia@example.org", 200, 403),
        ("fia@example.org", 200, 200),
        ("coord@example.org", 403, 403),
    ],
)
def test_chapter_coordinators_see_only_their_own_members(app, sia, who, zambia, mexico):
    client = app.test_client()
    sign_in(client, who, PASSWORD)
    assert client.get("/coalitions/fia-zm/members").status_code == zambia
    assert client.get("/coalitions/fia-mx/members").status_code == mexico
    membership_id = _application_id(app, "Oxfam México")
    token = csrf_token(client.get("/account").get_data(as_text=True))
    response = client.post(
        f"/memberships/{membership_id}/approve", data={"csrf_token": token, "role": "member"}
    )
    assert response.status_code == (302 if mexico == 200 else 403)


def test_anonymous_visitors_and_other_admins_cannot_decide_or_edit(app, sia):
    with app.app_context():
        org = OrganisationFactory(name="Equally Ours", slug="equally-ours")
        other = OrganisationFactory(name="CBI", slug="cbi")
        user_with_role(Role.ORGANISATION_ADMIN, other.id, email="cbi@example.org")
        db.session.commit()
        assert org.slug
    anonymous = app.test_client()
    assert anonymous.get("/coalitions/sia/members").status_code == 302
    assert anonymous.get("/organisations/equally-ours/edit").status_code == 302
    cbi = app.test_client()
    sign_in(cbi, "cbi@example.org", PASSWORD)
    assert cbi.get("/organisations/equally-ours/edit").status_code == 403
    assert cbi.get("/organisations/cbi/edit").status_code == 200
    assert cbi.get("/coalitions/sia/members").status_code == 403


def test_directory_search_and_filters(app, sia):
    with app.app_context():
        from organiser.coalitions.models import Coalition

        coalition = db.session.scalar(select(Coalition).where(Coalition.slug == "sia"))
        for name, kind, country in [
            ("CBI", "business", "GB"),
            ("UCL Public Policy", "academic", "GB"),
            ("Health Foundation", "funder", "GB"),
            ("Equally Ours", "ngo", "GB"),
            ("Pro Bono Economics", "ngo", "GB"),
            ("Oxfam Ireland", "ngo", "IE"),
        ]:
            MembershipFactory(
                coalition=coalition, organisation=OrganisationFactory(name=name, type=kind, country=country)
            )
        db.session.commit()
    client = app.test_client()
    assert "UCL Public Policy" in text_of(client.get("/coalitions/sia?q=ucl"))
    assert "CBI" not in text_of(client.get("/coalitions/sia?q=ucl")).split("Members", 1)[1]
    only_ie = text_of(client.get("/coalitions/sia?country=IE")).split("Members", 1)[1]
    assert "Oxfam Ireland" in only_ie and "Equally Ours" not in only_ie
    ngos = text_of(client.get("/coalitions/sia?type=ngo")).split("Members", 1)[1]
    assert "Pro Bono Economics" in ngos and "CBI" not in ngos
