"""The account-takeover paths of issue #11, tried as the attacker would (HTTP forms, CSRF included),
and each shown refused: nobody gets a role, data or a mailbox through another body's decision."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from organiser.coalitions.models import Membership, MembershipStatus, Organisation, OrganisationConsent
from organiser.core.models import AccountToken, Role, RoleGrant, User
from organiser.db import db
from organiser.messaging.models import Mailing, MailingStatus
from tests.factories import PASSWORD, CoalitionFactory, MembershipFactory, OrganisationFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

ATTACKER = "attacker@example.org"
IMPERSONATION = {
    "name": "the  equality TRUST",
    "type": "ngo",
    "country": "GB",
    "region": "",
    "website": "",
    "description": "",
    "contact_name": "Not The Trust",
    "contact_email": ATTACKER,
    "endorse": "y",
}


@pytest.fixture
def world(app):
    """SIA with The Equality Trust (a member, with its own administrator); FIA and its Zambia
    chapter; an organisation in SIA with no administrator; a platform administrator."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zm", parent=fia, country="ZM")
        trust = OrganisationFactory(name="The Equality Trust", slug="the-equality-trust", country="GB")
        orphan = OrganisationFactory(name="Equally Ours", slug="equally-ours", country="GB")
        MembershipFactory(organisation=trust, coalition=sia, contact_email="trust@example.org")
        MembershipFactory(organisation=orphan, coalition=sia, contact_email="ours@example.org")
        user_with_role(Role.ORGANISATION_ADMIN, trust.id, email="trust.admin@example.org")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="sia@example.org")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="zambia@example.org")
        user_with_role(Role.PLATFORM_ADMIN, email="admin@example.org")
        db.session.commit()


def _signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def _membership(app, org_slug: str, coalition_slug: str = "fia-zm") -> Membership:
    with app.app_context():
        return db.session.scalar(
            select(Membership)
            .join(Organisation)
            .where(Organisation.slug == org_slug, Membership.coalition.has(slug=coalition_slug))
        )


def _nobody_got_a_role(app, address: str) -> None:
    with app.app_context():
        user = User.by_email(address)
        assert user is None or not user.grants, "no role"
        assert db.session.scalar(select(AccountToken).where(AccountToken.email == address)) is None, (
            "no invitation either"
        )


def _approve(coordinator, membership_id: int, role: str = "chair"):
    token = csrf_token(coordinator.get("/coalitions/fia-zm/members").get_data(as_text=True))
    return coordinator.post(
        f"/memberships/{membership_id}/approve",
        data={"csrf_token": token, "role": role},
        follow_redirects=True,
    )


def test_an_application_in_another_organisations_name_grants_nothing_until_it_says_yes(app, world, mail):
    attacker = app.test_client()
    first = submit(attacker, "/coalitions/fia-zm/join", IMPERSONATION)
    assert "Application sent" in text_of(first), "the page says what it says to anyone"
    asked = mail.wait_for_to("trust.admin@example.org")[0]
    assert "Is this application to FIA Zambia from The Equality Trust?" == asked["Subject"]
    assert ATTACKER in asked.get_content(), "the trust sees who applied in its name"
    membership = _membership(app, "the-equality-trust")
    assert membership.status == MembershipStatus.APPLIED
    assert membership.organisation_consent == OrganisationConsent.PENDING
    with app.app_context():
        assert (
            db.session.scalar(select(Organisation).where(Organisation.slug == "the-equality-trust")).region
            == ""
        )

    zambia = _signed_in(app, "zambia@example.org")
    desk = text_of(zambia.get("/coalitions/fia-zm/members"))
    assert (
        "Its administrators have been asked to confirm" in desk and "Approve The Equality Trust" not in desk
    )
    refused = _approve(zambia, membership.id)
    assert "its administrators must first confirm" in text_of(refused)
    assert _membership(app, "the-equality-trust").status == MembershipStatus.APPLIED
    _nobody_got_a_role(app, ATTACKER)

    trust = _signed_in(app, "trust.admin@example.org")
    team = trust.get(path_of(links_in(asked)[0]))
    assert "Applications made in your organisation's name" in text_of(team) and ATTACKER in text_of(team)
    mail.clear()
    answered = trust.post(
        f"/memberships/{membership.id}/organisation/refuse",
        data={"csrf_token": csrf_token(team.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert "the application to FIA Zambia is declined" in text_of(answered)
    assert _membership(app, "the-equality-trust").status == MembershipStatus.DECLINED
    [declined] = mail.wait_for_to(ATTACKER)
    assert "says this application was not made by it" in " ".join(declined.get_content().split())
    assert "Approve The Equality Trust" not in text_of(zambia.get("/coalitions/fia-zm/members"))
    _nobody_got_a_role(app, ATTACKER)
    assert zambia.get("/organisations/the-equality-trust/supporters").status_code == 403


def test_once_the_organisation_confirms_the_coalition_approves_and_it_keeps_its_own_administrators(
    app, world, mail
):
    submit(
        app.test_client(), "/coalitions/fia-zm/join", {**IMPERSONATION, "contact_email": "trust@example.org"}
    )
    asked = mail.wait_for_to("trust.admin@example.org")[0]
    membership = _membership(app, "the-equality-trust")
    trust = _signed_in(app, "trust.admin@example.org")
    page = trust.get(path_of(links_in(asked)[0]))
    trust.post(
        f"/memberships/{membership.id}/organisation/confirm",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    again = trust.post(
        f"/memberships/{membership.id}/organisation/refuse",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert "answered already" in text_of(again), "an answer is given once"
    zambia = _signed_in(app, "zambia@example.org")
    assert "confirmed this application" in text_of(zambia.get("/coalitions/fia-zm/members"))
    mail.clear()
    assert "The Equality Trust is now a member" in text_of(_approve(zambia, membership.id))
    assert _membership(app, "the-equality-trust").status == MembershipStatus.ACTIVE
    subjects = [m["Subject"] for m in mail.wait_for(1)]
    assert not any("invited" in s for s in subjects), subjects
    _nobody_got_a_role(app, "trust@example.org")


def test_an_organisation_without_administrators_is_decided_for_by_a_platform_admin(app, world, mail):
    submit(app.test_client(), "/coalitions/fia-zm/join", {**IMPERSONATION, "name": "EQUALLY ours"})
    asked = mail.wait_for_to("admin@example.org")[0]
    assert "has no administrator on Organiser" in " ".join(asked.get_content().split())
    membership = _membership(app, "equally-ours")
    zambia = _signed_in(app, "zambia@example.org")
    assert zambia.get("/organisations/equally-ours/team").status_code == 403
    forbidden = zambia.post(
        f"/memberships/{membership.id}/organisation/confirm",
        data={"csrf_token": csrf_token(zambia.get("/account").get_data(as_text=True))},
    )
    assert forbidden.status_code == 403, "a coordinator cannot answer for the organisation"
    admin = _signed_in(app, "admin@example.org")
    page = admin.get(path_of(links_in(asked)[0]))
    admin.post(
        f"/memberships/{membership.id}/organisation/confirm",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    mail.clear()
    _approve(zambia, membership.id)
    assert _membership(app, "equally-ours").status == MembershipStatus.ACTIVE
    _nobody_got_a_role(app, ATTACKER)


def test_a_new_organisation_is_the_coalitions_own_and_its_contact_is_invited(app, world, mail):
    submit(app.test_client(), "/coalitions/fia-zm/join", {**IMPERSONATION, "name": "Zambia Land Alliance"})
    membership = _membership(app, "zambia-land-alliance")
    assert membership.organisation_consent is None
    mail.clear()
    _approve(_signed_in(app, "zambia@example.org"), membership.id)
    assert any(m["Subject"].startswith("You are invited to Zambia Land Alliance") for m in mail.wait_for(2))


def test_a_members_import_never_attaches_another_bodys_organisation(app, world, mail):
    zambia = _signed_in(app, "zambia@example.org")
    csv_text = (
        "name,country,role,contact_name,contact_email\n"
        "The Equality Trust,GB,chair,Mallory,attacker@example.org\n"
    )
    page = zambia.get("/coalitions/fia-zm/members/import").get_data(as_text=True)
    preview = zambia.post(
        "/coalitions/fia-zm/members/import",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(csv_text.encode()), "members.csv")},
        content_type="multipart/form-data",
    )
    assert "Ready. Already on Organiser: it joins once its own administrators confirm it" in text_of(preview)
    zambia.post(
        "/coalitions/fia-zm/members/import",
        data={"csrf_token": csrf_token(preview.get_data(as_text=True)), "payload": csv_text},
    )
    membership = _membership(app, "the-equality-trust")
    assert membership.status == MembershipStatus.APPLIED, "not a member on the importer's word"
    assert membership.organisation_consent == OrganisationConsent.PENDING
    assert mail.wait_for_to("trust.admin@example.org")[0]["Subject"].startswith("Is this application")
    _nobody_got_a_role(app, ATTACKER)
    assert "Approve The Equality Trust" not in text_of(zambia.get("/coalitions/fia-zm/members"))


def test_an_organisations_mailing_is_its_own_not_the_coordinators(app, world, mail):
    with app.app_context():
        trust = db.session.scalar(select(Organisation).where(Organisation.slug == "the-equality-trust"))
        admin = User.by_email("trust.admin@example.org")
        from organiser.messaging.services.mailings import create_mailing

        mailing = create_mailing(
            trust.memberships[0].coalition_id,
            by=admin,
            organisation_id=trust.id,
            subject="Our supporters only",
            from_name="The Equality Trust",
            reply_to="hello@equalitytrust.example",
            body_markdown="Hello",
            segments=[],
        )
        db.session.commit()
        mailing_id = mailing.id
    coordinator = _signed_in(app, "sia@example.org")
    listing = text_of(coordinator.get("/coalitions/sia/mailings"))
    assert "A mailing of The Equality Trust to its own supporters" in listing
    assert "Our supporters only" not in listing, "the coordinators see that it exists, nothing more"
    token = csrf_token(coordinator.get("/account").get_data(as_text=True))
    assert coordinator.get(f"/mailings/{mailing_id}").status_code == 403
    assert coordinator.get(f"/mailings/{mailing_id}/edit").status_code == 403
    edit = {"csrf_token": token, "subject": "Hijacked", "reply_to": ATTACKER, "body_markdown": "x"}
    assert coordinator.post(f"/mailings/{mailing_id}/edit", data=edit).status_code == 403
    for action in ("start", "test", "pause", "resume", "cancel", "unschedule", "schedule"):
        assert (
            coordinator.post(f"/mailings/{mailing_id}/{action}", data={"csrf_token": token}).status_code
            == 403
        )
    with app.app_context():
        mailing = db.session.get(Mailing, mailing_id)
        assert (mailing.subject, mailing.reply_to, mailing.status) == (
            "Our supporters only",
            "hello@equalitytrust.example",
            MailingStatus.DRAFT,
        )
    assert mail.messages == []
    assert _signed_in(app, "trust.admin@example.org").get(f"/mailings/{mailing_id}").status_code == 200


def test_the_local_outbox_is_no_skeleton_key(app, world, config_override):
    config_override(MAIL_BACKEND="local")
    forgot = submit(app.test_client(), "/account/forgot-password", {"email": "admin@example.org"})
    assert forgot.status_code in (200, 302)
    with app.app_context():
        from organiser.messaging.models import OutboxMessage

        reset = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "admin@example.org"))
        assert reset is not None
    for who in ("trust.admin@example.org", "zambia@example.org"):
        intruder = _signed_in(app, who)
        assert "Reset your Organiser password" not in text_of(intruder.get("/dev/mail"))
        assert intruder.get(f"/dev/mail/{reset.id}").status_code == 404, who
    admin = _signed_in(app, "admin@example.org")
    assert "Reset your Organiser password" in text_of(admin.get("/dev/mail"))
    assert admin.get(f"/dev/mail/{reset.id}").status_code == 200
    with app.app_context():
        grants = db.session.scalars(select(RoleGrant).where(RoleGrant.role == Role.PLATFORM_ADMIN)).all()
        assert len(grants) == 1
