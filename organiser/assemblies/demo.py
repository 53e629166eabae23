"""Demo data for assemblies: an FIA Zambia people's assembly in Lusaka, with its programme and
speakers, two questions of its own on the registration form, and a few registrations from the Zambian
demo supporters (invented, at example.org): every place taken, one person on the waitlist, one waiting
for their confirmation. Then the chapter's people's tribunal on debt and public services, already held
(``tribunals.demo``), and the demands it voted on, the first launched as a petition (``demands.demo``).
And a Structural Inequalities Alliance assembly in Leeds, open for registration."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select

from organiser.assemblies.demands.demo import seed_demands
from organiser.assemblies.models import (
    AgendaItem,
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from organiser.assemblies.services.questions import add_question
from organiser.assemblies.services.speakers import add_speaker
from organiser.assemblies.sortition.demo import seed_pool
from organiser.assemblies.tribunals.demo import seed_tribunal
from organiser.coalitions.models import Coalition
from organiser.core.models import User
from organiser.db import db, utcnow
from organiser.people.models import Person

COORDINATOR = "zambia.coordinator@example.org"


class DemoAssemblies(NamedTuple):
    lusaka: Assembly
    tribunal: Assembly
    petition_id: int  # the tribunal's first demand, launched as a draft petition
    launched_at: datetime  # when (three days after the tribunal)


def seed_assemblies(zambia: Coalition) -> DemoAssemblies:
    """The Lusaka assembly ahead, and the tribunal held, with its verdict and demands."""
    coordinator = User.by_email(COORDINATOR)
    lusaka = seed_lusaka(zambia, by=coordinator)
    tribunal = seed_tribunal(zambia, by=coordinator)
    launched = seed_demands(tribunal, by=coordinator)
    return DemoAssemblies(lusaka, tribunal, launched.petition_id, launched.launched_at)


def seed_lusaka(zambia: Coalition, *, by: Any) -> Assembly:
    """The Lusaka assembly three weeks ahead (09:00–16:00 Lusaka time), 4 places, a waitlist."""
    start = (utcnow() + timedelta(days=21)).replace(hour=7, minute=0, second=0, microsecond=0)  # 09:00 CAT
    assembly = _lusaka_assembly(zambia, start, by_id=by.id)
    _add_programme(assembly, start, by=by)
    _add_questions(assembly, by=by)
    _add_registrations(assembly)
    db.session.flush()
    return assembly


def _lusaka_assembly(zambia: Coalition, start: datetime, *, by_id: int | None) -> Assembly:
    """The assembly itself, published, hosted by the first two of the chapter's organisations."""
    assembly = Assembly(
        coalition_id=zambia.id,
        kind=AssemblyKind.PEOPLES_ASSEMBLY,
        title="Lusaka People's Assembly on Debt and Public Services",
        slug="lusaka-peoples-assembly",
        description="Nurses, market traders, smallholder farmers and young people without work speak "
        "about what debt repayments cost their clinics, schools and markets, and agree the demands the "
        "chapter takes to Parliament.",
        starts_at=start,
        ends_at=start + timedelta(hours=7),
        timezone="Africa/Lusaka",
        venue="Community hall, Lusaka (demo venue)",
        online_url="https://meet.example.org/lusaka-peoples-assembly",
        capacity=4,
        languages=["English", "Bemba", "Nyanja"],
        accessibility="Step-free entrance and toilets. Bemba and Nyanja interpretation. Tell us about "
        "any other need when you register.",
        status=AssemblyStatus.PUBLISHED,
        created_by_id=by_id,
        published_at=utcnow(),
    )
    assembly.hosts = [m.organisation for m in zambia.active_members()][:2]
    db.session.add(assembly)
    db.session.flush()
    return assembly


_PROGRAMME = (  # minutes after the start, what happens, and who speaks (name, role, organisation)
    (0, "Welcome and why we are here", (("Chilufya Mwamba", "Host", "Fight Inequality Alliance Zambia"),)),
    (
        45,
        "Testimonies: clinics without medicines",
        (("Agness Tembo", "Nurse", "Lusaka Health Workers' Union (demo)"),),
    ),
    (
        150,
        "Testimonies: markets, farms and young people without work",
        (
            ("Peter Daka", "Smallholder farmer", "Zambia Smallholder Farmers' Voice (demo)"),
            ("Memory Sakala", "Youth organiser", "Copperbelt Youth Jobs Campaign (demo)"),
        ),
    ),
    (300, "The panel's questions", (("Joseph Mwale", "Economist", ""),)),
    (360, "The vote on our demands", (("Chilufya Mwamba", "Chair", "Fight Inequality Alliance Zambia"),)),
)

# Four places taken (all there is), one on the waitlist, one waiting for its confirmation.
_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.PENDING,
)


def _add_programme(assembly: Assembly, start: datetime, *, by: Any) -> None:
    for minutes, title, speakers in _PROGRAMME:
        item = AgendaItem(assembly_id=assembly.id, starts_at=start + timedelta(minutes=minutes), title=title)
        db.session.add(item)
        db.session.flush()
        for name, role, organisation in speakers:
            add_speaker(item, name=name, organisation=organisation, role=role, by=by)


def _add_questions(assembly: Assembly, *, by: Any) -> None:
    """Two questions of the organisers' own, after the form's usual ones."""
    add_question(
        assembly,
        by=by,
        kind=QuestionKind.ONE_CHOICE,
        label="Would you like to speak in the testimonies?",
        hint="Each speaker has five minutes; we will call you before the day.",
        choices=["About clinics and medicines", "About markets, farms or work", "No, I will listen"],
    )
    add_question(
        assembly,
        by=by,
        kind=QuestionKind.YES_NO,
        label="Are you a member of one of the chapter's organisations?",
    )


def _add_registrations(assembly: Assembly) -> None:
    """The Zambian demo supporters, registered in turn, one status each."""
    people = db.session.scalars(
        select(Person).where(Person.email.like("zm.supporter%@example.org")).order_by(Person.id)
    ).all()
    for index, (person, status) in enumerate(zip(people, _STATUSES, strict=False)):
        db.session.add(_registration(assembly, person, status, index))


def _registration(assembly: Assembly, person: Person, status: RegistrationStatus, index: int) -> Registration:
    confirmed = status != RegistrationStatus.PENDING
    return Registration(
        assembly_id=assembly.id,
        person_id=person.id,
        name=person.name,
        email=person.email,
        region="Lusaka",
        country="ZM",
        language="Bemba" if index % 2 else "English",
        access_needs="Step-free access, please" if index == 1 else "",
        status=status,
        confirmed_at=utcnow() - timedelta(days=6 - index) if confirmed else None,
        check_in_code=f"DEMO{index + 2}{index + 2}" if confirmed else None,
        confirmation_sends=1,
    )


def seed_sia_assembly(sia: Coalition, *, by: Any) -> Assembly:
    """A Structural Inequalities Alliance people's assembly in Leeds five weeks ahead, open for
    registration (the Alliance's place-based principle: building from the local out)."""
    zone = ZoneInfo("Europe/London")
    day = (utcnow() + timedelta(days=35)).astimezone(zone).date()
    start = datetime.combine(day, time(10, 30), tzinfo=zone).astimezone(UTC)
    assembly = Assembly(
        coalition_id=sia.id,
        kind=AssemblyKind.PEOPLES_ASSEMBLY,
        title="Leeds People's Assembly on the Cost of Living",
        slug="leeds-cost-of-living-assembly",
        description="People on low incomes in Leeds say what the cost of living means for them, and agree "
        "what to ask of the Government: an essentials guarantee in Universal Credit, rents people can "
        "afford, more social homes. The Alliance takes the demands to Westminster.",
        starts_at=start,
        ends_at=start + timedelta(hours=5),
        timezone="Europe/London",
        venue="Community centre, Leeds (demo venue)",
        capacity=60,
        languages=["English", "British Sign Language"],
        accessibility="Step-free access, a hearing loop and BSL interpretation. Tell us about any other "
        "need when you register.",
        status=AssemblyStatus.PUBLISHED,
        created_by_id=by.id,
        published_at=utcnow(),
    )
    hosts = {"The Equality Trust", "Women's Budget Group"}
    assembly.hosts = [m.organisation for m in sia.active_members() if m.organisation.name in hosts]
    db.session.add(assembly)
    db.session.flush()
    seed_pool(assembly)  # its members chosen by lot from a pool of volunteers
    return assembly
