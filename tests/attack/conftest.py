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
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from organiser.actions.petitions import services as petitions
from organiser.actions.petitions.models import (
    Invalidation,
    Petition,
    PetitionSponsor,
    SignatureState,
    SponsorStatus,
)
from organiser.actions.targets.models import Target
from organiser.assemblies import services as assemblies
from organiser.assemblies.models import (
    AgendaItem,
    AgendaSpeaker,
    AssemblyKind,
    ClosingReport,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
)
from organiser.assemblies.tribunals import services as tribunals
from organiser.assemblies.tribunals.models import (
    Charge,
    PanelMember,
    Testimony,
    TestimonyAttachment,
    TestimonyStatus,
)
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
from tests.factories import (
    PASSWORD,
    AssemblyFactory,
    CoalitionFactory,
    LetterCampaignFactory,
    LetterFactory,
    MailingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PetitionFactory,
    RegistrationFactory,
    SignatureFactory,
    TargetFactory,
    UserFactory,
)
from tests.helpers import csrf_token, sign_in

# Who is tried. The owners are positive controls; the others own nothing in FIA Zambia.
OWNERS = ("chapter_coordinator", "alliance_coordinator", "org_admin")
OUTSIDERS = (
    "anonymous",
    "other_org_admin",  # admin of The Equality Trust, a member of SIA
    "other_chapter_coordinator",  # coordinator of FIA Mexico
    "other_alliance_coordinator",  # coordinator of SIA
    "platform_admin",
)
# A tribunal's panel member: enters the verdicts of FIA Zambia's tribunal, and owns nothing else.
PANEL = ("panel_member",)
ROLES = OUTSIDERS + OWNERS + PANEL
SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")

EMAILS = {
    "other_org_admin": "admin@equalitytrust.example",
    "other_chapter_coordinator": "coordinator@fia-mexico.example",
    "other_alliance_coordinator": "coordinator@sia.example",
    "platform_admin": "platform@organiser.example",
    "chapter_coordinator": "coordinator@fia-zambia.example",
    "alliance_coordinator": "coordinator@fia.example",
    "org_admin": "admin@zla.example",
    "panel_member": "judge@fia-zambia.example",
}
SUPPORTER = "chipo@example.org"
INVITEE = "new.colleague@zla.example"
# The smallest PNG there is: the organisation's logo route needs one to serve.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


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
    world.tokens["signature"] = petitions.confirmation_token(signature)
    return petition


def _campaign(world: World, zambia, coordinator: User, person: Person, target: Target) -> None:
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
    world.ids["campaign"] = campaign.id
    world.tokens["letter"] = link_token("letter", [letter.id])


def _assembly(world: World, zambia, zla, coordinator: User, person: Person) -> None:
    """Published, hosted by ZLA, with a programme; Chipo has a place."""
    starts = (utcnow() + timedelta(days=30)).replace(second=0, microsecond=0)  # as the form sets it
    assembly = AssemblyFactory(
        coalition_id=zambia.id,
        title="Lusaka People's Assembly",
        slug=world.assembly_slug,
        description="Women farmers on land and inequality.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        venue="Mulungushi Conference Centre",
        capacity=50,
        languages=["en"],
        created_by_id=coordinator.id,
    )
    assembly.hosts = [zla]
    item = AgendaItem(assembly_id=assembly.id, starts_at=starts, title="Welcome")
    db.session.add(item)
    registration = RegistrationFactory(
        assembly_id=assembly.id,
        person_id=person.id,
        name="Chipo Mwale",
        email=SUPPORTER,
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=utcnow(),
        check_in_code=world.check_in_code,
    )
    world.ids.update(assembly=assembly.id, agenda_item=item.id, registration=registration.id)
    world.tokens["registration_confirm"] = assemblies.confirmation_token(registration)
    world.tokens["registration_page"] = assemblies.page_token(registration)
    _assembly_forms(world, assembly, item)


def _assembly_forms(world: World, assembly, item: AgendaItem) -> None:
    """The registration form asks the organisers' questions (one of each kind: the generated bad input
    reaches them); the testimonies have a speaker; the closing report is written, not yet published."""
    questions = [
        RegistrationQuestion(
            assembly_id=assembly.id, position=1, kind="short_text", label="Your organisation"
        ),
        RegistrationQuestion(
            assembly_id=assembly.id,
            position=2,
            kind="one_choice",
            label="Your work",
            required=True,
            choices=["Farmer", "Nurse"],
        ),
        RegistrationQuestion(
            assembly_id=assembly.id,
            position=3,
            kind="several_choices",
            label="Sessions",
            choices=["Land", "Debt"],
        ),
        RegistrationQuestion(assembly_id=assembly.id, position=4, kind="yes_no", label="Will you testify?"),
        RegistrationQuestion(assembly_id=assembly.id, position=5, kind="long_text", label="What to say"),
    ]
    # on a part of its own: the route test removes the welcome (and its speakers with it) first
    testimonies = AgendaItem(assembly_id=assembly.id, starts_at=item.starts_at, title="Testimonies")
    db.session.add(testimonies)
    db.session.flush()
    speaker = AgendaSpeaker(
        agenda_item_id=testimonies.id, name="Grace Mwanza", organisation="ZLA", role="chair"
    )
    db.session.add_all([*questions, speaker, ClosingReport(assembly_id=assembly.id, summary="Draft.")])
    db.session.flush()
    world.ids.update(question=questions[0].id, speaker=speaker.id)


def _tribunal(world: World, zambia, users: dict[str, User], person: Person) -> None:
    """Published, with two charges, Chipo's testimony waiting for moderation (with a file), a panel
    member whose account enters the verdicts."""
    tribunal = AssemblyFactory(
        coalition_id=zambia.id,
        kind=AssemblyKind.TRIBUNAL,
        title="People's Tribunal on Debt",
        slug=world.tribunal_slug,
        created_by_id=users["chapter_coordinator"].id,
    )
    first = Charge(
        assembly_id=tribunal.id, position=1, title="Austerity", accused="The IMF", accused_kind="lender"
    )
    charge = Charge(assembly_id=tribunal.id, position=2, title="Clinics closed", accused="The Government")
    testimony = Testimony(
        assembly_id=tribunal.id,
        charge=charge,
        person_id=person.id,
        name="Chipo Mwale",
        email=SUPPORTER,
        account="The clinic had no medicines.",
        status=TestimonyStatus.SUBMITTED,
        attachments=[
            TestimonyAttachment(filename="clinic.png", content_type="image/png", data=PNG, size=len(PNG))
        ],
    )
    judge = UserFactory(email=EMAILS["panel_member"], name="panel member")
    accounts.grant_role(judge, Role.ASSEMBLY_PANEL, tribunal.id)
    member = PanelMember(assembly_id=tribunal.id, name="Judge Mumba", role="chair", user_id=judge.id)
    db.session.add_all([first, charge, testimony, member])
    db.session.flush()
    users["panel_member"] = judge
    world.ids.update(tribunal=tribunal.id, charge=charge.id, testimony=testimony.id, panel_member=member.id)
    world.ids["attachment"] = testimony.attachments[0].id
    world.tokens["testimony_confirm"] = tribunals.confirmation_token(testimony)
    world.tokens["testimony_page"] = tribunals.page_token(testimony)


def _demands(world: World) -> None:
    """Two demands on the assembly, the vote not open yet: one adopted and launched as the petition,
    one proposed; Chipo's vote link and the kiosk's ballot token for her registration."""
    from organiser.assemblies.demands import services as demands
    from organiser.assemblies.demands.models import ActionKind, Demand, DemandStatus, Outcome

    adopted = Demand(
        assembly_id=world.assembly_id,
        position=1,
        text="Give customary land titles to the women who farm the land.",
        addressed_to="Minister of Lands",
        target_id=world.target_id,
        theme="Land",
        status=DemandStatus.ADOPTED,
        decided_at=utcnow(),
        action_kind=ActionKind.PETITION,
        petition_id=world.petition_id,
        launched_at=utcnow(),
        outcome=Outcome.LAUNCHED,
        outcome_on=utcnow().date(),
    )
    proposed = Demand(assembly_id=world.assembly_id, position=2, text="Fund extension officers.")
    db.session.add_all([adopted, proposed])
    db.session.flush()
    world.ids["demand"] = adopted.id
    registration = db.session.get(Registration, world.registration_id)
    world.tokens["vote"] = demands.vote_token(registration)
    world.tokens["kiosk"] = demands.kiosk_token(registration)


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
        _campaign(world, zambia, coordinator, person, target)
        _assembly(world, zambia, zla, coordinator, person)
        _demands(world)
        _mailings(world, zambia, zla, users)
        _tribunal(world, zambia, users, person)
        _mail_and_links(world, zla, users, person)
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
