"""Demo data for assemblies: an FIA Zambia people's assembly in Lusaka, with a few registrations
from the Zambian demo supporters (invented, at example.org): every place taken, one person on the
waitlist, one waiting for their confirmation."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from organiser.assemblies.models import (
    AgendaItem,
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    Registration,
    RegistrationStatus,
)
from organiser.coalitions.models import Coalition
from organiser.db import db, utcnow
from organiser.people.models import Person


def seed_assemblies(zambia: Coalition, *, by_id: int | None = None) -> Assembly:
    """The Lusaka assembly three weeks ahead (09:00–16:00 Lusaka time), 4 places, a waitlist."""
    start = (utcnow() + timedelta(days=21)).replace(hour=7, minute=0, second=0, microsecond=0)  # 09:00 CAT
    assembly = _lusaka_assembly(zambia, start, by_id=by_id)
    _add_programme(assembly, start)
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


_PROGRAMME = (  # minutes after the start, and what happens
    (0, "Welcome and why we are here"),
    (45, "Testimonies: clinics without medicines"),
    (150, "Testimonies: markets, farms and young people without work"),
    (300, "The panel's questions"),
    (360, "The vote on our demands"),
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


def _add_programme(assembly: Assembly, start: datetime) -> None:
    for minutes, title in _PROGRAMME:
        db.session.add(
            AgendaItem(assembly_id=assembly.id, starts_at=start + timedelta(minutes=minutes), title=title)
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
