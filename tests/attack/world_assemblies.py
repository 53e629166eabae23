"""The attack world's assemblies: FIA Zambia's people's assembly (registration, questions, programme,
speakers, closing report), its tribunal (charges, a testimony with a file, a panel member) and its
demands (one adopted and launched, one proposed), with the links their e-mails carry."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

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
from organiser.core import services as accounts
from organiser.core.models import Role, User
from organiser.db import db, utcnow
from organiser.people.models import Person
from tests.attack.cast import EMAILS, PNG, SUPPORTER
from tests.factories import (
    AssemblyFactory,
    RegistrationFactory,
    UserFactory,
)

if TYPE_CHECKING:
    from tests.attack.conftest import World


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


def _sortition(world: World) -> None:
    """The assembly is selected by lot: a pool (volunteering open) with Chipo and Mutale in it, quotas,
    two finished runs with their distribution, one with a seed committed; Chipo's links (confirming,
    her seat)."""
    from organiser.assemblies.sortition import invitations, volunteers
    from organiser.assemblies.sortition.models import (
        Draw,
        Invitation,
        RunStatus,
        SelectionRun,
        SortitionPool,
        Volunteer,
        VolunteerStatus,
    )

    pool = SortitionPool(
        assembly_id=world.assembly_id,
        panel_size=1,
        categories={"Gender": ["woman", "man"]},
        quotas=[["Gender", "woman", 0, 1], ["Gender", "man", 0, 1]],
        volunteering_open=True,
        counts={},
    )
    db.session.add(pool)
    db.session.flush()
    chipo = Volunteer(
        pool_id=pool.id,
        person_id=world.person_id,
        pseudonym="P-0000C41F",
        name="Chipo Mwale",
        email=SUPPORTER,
        features={"Gender": "woman"},
        status=VolunteerStatus.CONFIRMED,
        invitation=Invitation.INVITED,
        confirmation_sends=1,
    )
    other = Volunteer(
        pool_id=pool.id,
        pseudonym="P-00001A2B",
        name="Mutale Phiri",
        email="mutale@example.org",
        features={"Gender": "woman"},
        status=VolunteerStatus.CONFIRMED,
        confirmation_sends=1,
    )
    panels = [{"members": [code], "probability": 0.5} for code in ("P-00001A2B", "P-0000C41F")]
    result = {
        "method": "maximin",
        "reached": "maximin",
        "panels": panels,
        "probabilities": {"P-00001A2B": 0.5, "P-0000C41F": 0.5},
    }
    run = SelectionRun(
        pool_id=pool.id,
        method="maximin",
        status=RunStatus.DONE,
        progress=1.0,
        result=result,
        instance={},
        sha256="0" * 64,
    )
    published = SelectionRun(
        pool_id=pool.id,
        method="maximin",
        status=RunStatus.DONE,
        progress=1.0,
        result=result,
        instance={},
        sha256="0" * 64,
    )
    db.session.add_all([chipo, other, run, published])
    db.session.flush()
    db.session.add(Draw(run_id=published.id, seed_sha256="1" * 64))  # committed, not revealed
    world.ids.update(sortition_run=run.id, published_run=published.id)
    world.tokens["volunteer_confirm"] = volunteers.confirmation_token(chipo)
    world.tokens["seat"] = invitations.invitation_token(chipo)
