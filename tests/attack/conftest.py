"""One object of every kind the URL map can name, owned by FIA Zambia and Zambia Land Alliance, and
one account for every role the attack tests try: the owners, and those who own nothing here.

``world`` builds it inside the test's rolled-back transaction (so it runs on PostgreSQL and SQLite
alike); ``clients(role)`` is that role's client, signed in through the form once per test.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from organiser.actions.letters.models import LetterSponsor
from organiser.actions.letters.replies.models import LetterFollowUp
from organiser.actions.petitions import services as petitions
from organiser.actions.petitions.models import (
    Invalidation,
    Petition,
    PetitionSponsor,
    SignatureState,
    SponsorStatus,
)
from organiser.actions.targets.models import Target
from organiser.coalitions.models import MembershipStatus, OrganisationConsent
from organiser.core import services as accounts
from organiser.core.models import Role, User
from organiser.db import db, utcnow
from organiser.messaging.models import OutboxMessage
from organiser.messaging.services import queue_email
from organiser.messaging.services.suppression import unsubscribe_token
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import record_consent
from organiser.privacy.services import data_link_token
from organiser.web.public_actions import link_token
from tests.attack import world_community
from tests.attack.cast import EMAILS, INVITEE, OUTSIDERS, OWNERS, PANEL, PNG, ROLES, SIGNED_IN, SUPPORTER  # noqa: F401
from tests.attack.world_assemblies import _assembly, _demands, _sortition, _tribunal
from tests.attack.world_supporters import _supporters
from tests.attack.world_webhooks import _webhooks
from tests.factories import (
    PASSWORD,
    CoalitionFactory,
    LetterCampaignFactory,
    LetterFactory,
    MailingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PetitionFactory,
    SignatureFactory,
    TargetFactory,
    UserFactory,
)
from tests.helpers import csrf_token, sign_in


@dataclass
class World:
    """Slugs, ids and link tokens of FIA Zambia's things, and the accounts of every role."""

    alliance_slug: str = "fia"
    chapter_slug: str = "fia-zambia"
    org_slug: str = "zambia-land-alliance"
    petition_slug: str = "zambia-land-rights"
    campaign_slug: str = "write-to-the-minister"
    assembly_slug: str = "lusaka-peoples-assembly"
    check_in_code: str = "K7Q2M9"  # Chipo's, at the assembly
    tribunal_slug: str = "debt-tribunal"
    community_slug: str = "medicines-for-every-clinic"  # a petition started by a supporter
    download_format: str = "json"
    direction: str = "up"  # a registration question moved
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=lambda: dict(EMAILS))
    # The outbox message addressed to each role's own account (the local outbox's rows).
    own_messages: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> object:
        """``world.petition_id``, ``world.signature_token``: the ids and tokens by name."""
        for suffix, values in (("_id", "ids"), ("_token", "tokens")):
            if name.endswith(suffix) and name[: -len(suffix)] in self.__dict__.get(values, {}):
                return self.__dict__[values][name[: -len(suffix)]]
        raise AttributeError(name)


def _link_token(message: OutboxMessage, endpoint_path: str) -> str:
    match = re.search(rf"/{endpoint_path}/([^\s/]+)", message.body_text or "")
    assert match, f"no /{endpoint_path}/ link in {message.subject!r}"
    return match.group(1)


def _latest_message_to(email: str) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())
    ).first()


def _accounts(fia, zambia, mexico, sia, zla, trust) -> dict[str, User]:
    scopes = {
        "other_org_admin": (Role.ORGANISATION_ADMIN, trust.id),
        "other_chapter_coordinator": (Role.COALITION_COORDINATOR, mexico.id),
        "other_alliance_coordinator": (Role.COALITION_COORDINATOR, sia.id),
        "platform_admin": (Role.PLATFORM_ADMIN, 0),
        "chapter_coordinator": (Role.COALITION_COORDINATOR, zambia.id),
        "alliance_coordinator": (Role.COALITION_COORDINATOR, fia.id),
        "org_admin": (Role.ORGANISATION_ADMIN, zla.id),
    }
    users = {}
    for role, (grant, scope_id) in scopes.items():
        users[role] = UserFactory(email=EMAILS[role], name=role.replace("_", " "))
        accounts.grant_role(users[role], grant, scope_id)
    return users


def _petition(world: World, zambia, zla, coordinator: User, person: Person, target: Target) -> Petition:
    """Open, addressed to the Minister, co-sponsored by ZLA, signed by Chipo through ZLA's link."""
    petition = PetitionFactory(
        coalition_id=zambia.id,
        title="Land for those who farm it",
        slug=world.petition_slug,
        ask="Give customary land titles to the women who farm the land.",
        target="The Minister of Lands",
        signature_count=1,
        created_by_id=coordinator.id,
    )
    petition.targets = [target]
    sponsor = PetitionSponsor(
        petition_id=petition.id,
        organisation_id=zla.id,
        code="zla",
        status=SponsorStatus.ACCEPTED,
        invited_by_id=coordinator.id,
        responded_at=utcnow(),
    )
    signature = SignatureFactory(
        petition_id=petition.id,
        person_id=person.id,
        name="Chipo Mwale",
        region="Lusaka",
        country="ZM",
        public_name=True,
        consent_coalition=True,
        consent_sponsor=True,
        source="zla",
        sponsor_organisation_id=zla.id,
        state=SignatureState.COUNTED,
        email_domain="example.org",
    )
    invalidation = Invalidation(
        petition_id=petition.id,
        filters={"domain": "spam.example"},
        reason="bots",
        created_by_id=coordinator.id,
    )
    db.session.add_all([sponsor, invalidation])
    db.session.flush()
    world.ids.update(petition=petition.id, sponsorship=sponsor.id, invalidation=invalidation.id)
    world.ids["signature"] = signature.id
    world.tokens["signature"] = petitions.confirmation_token(signature)
    return petition


def _campaign(world: World, zambia, zla, coordinator: User, person: Person, target: Target) -> None:
    """Open, to the Minister; Chipo's letter waits for her confirmation."""
    campaign = LetterCampaignFactory(
        coalition_id=zambia.id,
        title="Write to the Minister",
        slug=world.campaign_slug,
        intro="Tell the Minister why land titles matter.",
        subject="Land titles for women farmers",
        body="Dear Minister, women who farm the land need titles to it.",
        created_by_id=coordinator.id,
    )
    campaign.targets = [target]
    letter = LetterFactory(
        campaign_id=campaign.id, person_id=person.id, target_id=target.id, name="Chipo Mwale"
    )
    # ZLA is invited to co-sponsor it, and has not answered yet.
    sponsor = LetterSponsor(
        campaign_id=campaign.id, organisation_id=zla.id, code="zla", invited_by_id=coordinator.id
    )
    db.session.add(sponsor)
    db.session.flush()
    world.ids.update(campaign=campaign.id, letter_sponsorship=sponsor.id)
    world.ids["letter"] = letter.id
    world.tokens["letter"] = link_token("letter", [letter.id])
    # Her letter's follow-up, asking whether the Minister replied (its page is the link's).
    follow_up = LetterFollowUp(
        letter_id=letter.id, campaign_id=campaign.id, target_id=target.id, person_id=person.id
    )
    db.session.add(follow_up)
    db.session.flush()
    world.tokens["letter_reply"] = link_token("letter-reply", follow_up.id)


def _mailings(world: World, zambia, zla, users: dict[str, User]) -> None:
    """Two drafts, each with someone to send to (so they can be scheduled): the chapter's, and ZLA's own."""
    coalition_mailing = MailingFactory(
        coalition_id=zambia.id,
        subject="News from FIA Zambia",
        from_name="FIA Zambia",
        created_by_id=users["chapter_coordinator"].id,
    )
    org_mailing = MailingFactory(
        coalition_id=zambia.id,
        organisation_id=zla.id,
        subject="News from Zambia Land Alliance",
        from_name="Zambia Land Alliance",
        created_by_id=users["org_admin"].id,
        segments=[{"kind": "sponsor_supporters", "params": {}}],
    )
    world.ids.update(coalition_mailing=coalition_mailing.id, org_mailing=org_mailing.id)


def _mail_and_links(world: World, zla, users: dict[str, User], person: Person) -> None:
    """A message to each account (the local outbox), and the account links the token routes need:
    a password reset for the platform admin (the skeleton key of issue 11), an invitation."""
    for role, user in users.items():
        world.own_messages[role] = queue_email(
            to=user.email, subject=f"For the {role.replace('_', ' ')}", text="Only for you."
        ).id
    accounts.request_password_reset(EMAILS["platform_admin"])
    reset = _latest_message_to(EMAILS["platform_admin"])
    world.ids["others_message"] = reset.id
    world.tokens["reset"] = _link_token(reset, "account/reset")
    accounts.invite(INVITEE, Role.ORGANISATION_ADMIN, zla.id, by=users["org_admin"], scope_name=zla.name)
    world.tokens["invitation"] = _link_token(_latest_message_to(INVITEE), "account/invitation")
    world.tokens["data"] = data_link_token(SUPPORTER)
    world.tokens["unsubscribe"] = unsubscribe_token(person.id, "coalition", world.ids["chapter"])


def _supporter_import(world: World, zambia, coordinator: User) -> None:
    """A CSV of supporters uploaded to FIA Zambia, its columns guessed, its consent not stated yet."""
    from organiser.coalitions.services import people_import

    rows = "email,first_name,last_name,zip_code,country,language\n"
    rows += f"mutinta@example.org,Mutinta,Phiri,10101,ZM,en\n{SUPPORTER},Chipo,Mwale,10101,ZM,bem\n"
    imp = people_import.upload(zambia, rows.encode(), "supporters.csv", by=coordinator)
    world.ids["supporter_import"] = imp.id


def _api_keys(world: World, zambia, zla) -> None:
    """A key of FIA Zambia and one of ZLA (their pages revoke them)."""
    from organiser.api.keys import create_key

    world.ids["coalition_key"] = create_key(zambia, "CRM")[0].id
    world.ids["organisation_key"] = create_key(zla, "CRM")[0].id


def build_world(app: Flask) -> World:
    world = World()
    with app.app_context():
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug=world.alliance_slug, country=None)
        zambia = CoalitionFactory(
            name="FIA Zambia", slug=world.chapter_slug, parent=fia, country="ZM", retention_months=24
        )
        mexico = CoalitionFactory(name="FIA Mexico", slug="fia-mexico", parent=fia, country="MX")
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        zla = OrganisationFactory(name="Zambia Land Alliance", slug=world.org_slug, country="ZM")
        zla.logo, zla.has_logo, zla.logo_version = PNG, True, 1
        trust = OrganisationFactory(name="The Equality Trust", slug="the-equality-trust")
        applicant = OrganisationFactory(name="Zambia Youth Forum", slug="zambia-youth-forum", country="ZM")
        membership = MembershipFactory(organisation=zla, coalition=zambia, joined_at=utcnow())
        MembershipFactory(organisation=trust, coalition=sia)
        application = MembershipFactory(
            organisation=applicant,
            coalition=zambia,
            status=MembershipStatus.APPLIED,
            contact_name="Mutale Banda",
            contact_email="mutale@zyf.example",
        )
        # Someone applied to FIA in ZLA's name: only ZLA's admins may say it is theirs (issue 11 #1).
        proposal = MembershipFactory(
            organisation=zla,
            coalition=fia,
            status=MembershipStatus.APPLIED,
            contact_name="Someone Else",
            contact_email="someone@elsewhere.example",
            organisation_consent=OrganisationConsent.PENDING,
        )
        users = _accounts(fia, zambia, mexico, sia, zla, trust)
        world.ids.update(chapter=zambia.id, alliance=fia.id, organisation=zla.id, membership=membership.id)
        world.ids.update(application=application.id, proposal=proposal.id)
        coordinator = users["chapter_coordinator"]
        person = PersonFactory(tree_id=fia.id, email=SUPPORTER, name="Chipo Mwale", country="ZM")
        target = TargetFactory(coalition_id=zambia.id, name="Minister of Lands", email="minister@gov.example")
        record_consent(person, ConsentSubject.COALITION, zambia.id, given=True, source="world")
        record_consent(person, ConsentSubject.ORGANISATION, zla.id, given=True, source="world")
        world.ids.update(person=person.id, target=target.id)
        _petition(world, zambia, zla, coordinator, person, target)
        _campaign(world, zambia, zla, coordinator, person, target)
        _assembly(world, zambia, zla, coordinator, person)
        _demands(world)
        _sortition(world)
        _mailings(world, zambia, zla, users)
        _tribunal(world, zambia, users, person)
        world_community.community(world, zambia, person, target)
        world_community.threshold(world)
        _supporters(world, zambia, fia, users, person)
        _mail_and_links(world, zla, users, person)
        _supporter_import(world, zambia, coordinator)
        _webhooks(world, zambia, zla)
        _api_keys(world, zambia, zla)
        db.session.commit()
    return world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def signed_in(app: Flask, world: World, role: str) -> FlaskClient:
    """A client for ``role``: signed in through the form, or anonymous with a CSRF token in its session."""
    client = app.test_client()
    if role == "anonymous":
        client.csrf = csrf_token(client.get("/account/sign-in").get_data(as_text=True))  # type: ignore[attr-defined]
        return client
    assert sign_in(client, world.emails[role], PASSWORD).status_code == 302, role
    client.csrf = csrf_token(client.get("/account").get_data(as_text=True))  # type: ignore[attr-defined]
    return client


@pytest.fixture
def clients(app: Flask, world: World) -> Callable[[str], FlaskClient]:
    """``clients(role)``: that role's client, signed in once for the whole test."""
    return functools.cache(lambda role: signed_in(app, world, role))
