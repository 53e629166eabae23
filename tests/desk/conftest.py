"""A known set of rows for the desk, on fixed days of March 2025, with times either side of midnight
in Lusaka (UTC+2, the desk's zone in these tests): FIA with its Zambian and Mexican chapters.

Over the period 10 to 12 March 2025 (Africa/Lusaka), against 7 to 9 March ("before"):

- FIA Zambia: signatures 2 on the 10th, 1 on the 12th (before: 1); a letter on the 11th; a
  registration on the 12th; new supporters 2 on the 10th, 1 on the 11th, 1 on the 12th (before: 1);
  mail sent, 2 on the 11th.
- FIA Mexico: a signature on the 11th (from someone who joined the day before: not new to Mexico).
- FIA's own actions: a signature on the 10th; a new supporter on the 10th.
- All of FIA: signatures 5 (before: 1), letters 1, registrations 1, mail 2; new supporters 3 on the
  10th, 2 on the 11th, 1 on the 12th (before: 1).

Chipo (p3) signed in Zambia the day she joined, and in Mexico the next day: she is new to Zambia
(a chapter's new supporters acted there on the day they joined), and once to FIA. Someone added to FIA
without acting (p8) is new to FIA only. Rows that do not count: a pending, an over-limit and an
invalidated signature, a pending letter, a cancelled registration, an organisation's mailing, a
signature just after the period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from organiser.actions.letters.models import LetterStatus
from organiser.actions.petitions.models import PetitionSponsor, SignatureState, SponsorStatus
from organiser.assemblies.models import RegistrationStatus
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import BounceKind, MailEvent, MailingStatus, OutboxMessage, OutboxStatus
from organiser.people.models import ConsentEvent, ConsentSubject
from organiser.web.periods import Period
from tests.factories import (
    AssemblyFactory,
    CoalitionFactory,
    LetterCampaignFactory,
    LetterFactory,
    MailingFactory,
    OrganisationFactory,
    PersonFactory,
    PetitionFactory,
    RegistrationFactory,
    SignatureFactory,
    user_with_role,
)

ZONE = "Africa/Lusaka"
PERIOD = Period(date(2025, 3, 10), date(2025, 3, 12), ZONE)


def at(text: str) -> datetime:
    """A UTC time, like "2025-03-09 22:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class World:
    fia: int = 0
    zambia: int = 0
    mexico: int = 0
    ids: dict[str, int] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


def _people(world: World, fia_id: int) -> dict[str, int]:
    created = {
        "p1": "2025-03-09 21:00",
        "p2": "2025-03-09 22:00",
        "p3": "2025-03-10 10:00",
        "p4": "2025-01-01 12:00",
        "p5": "2025-03-11 08:00",
        "p6": "2025-03-12 05:00",
        "p7": "2025-03-10 12:00",
        "p8": "2025-03-11 09:00",
    }
    people = {}
    for key, when in created.items():
        person = PersonFactory(tree_id=fia_id, email=f"{key}@example.org", created_at=at(when))
        people[key] = person.id
        world.emails[key] = person.email
    return people


def _signatures(world: World, people: dict[str, int], zla_id: int) -> None:
    zambia = PetitionFactory(coalition_id=world.zambia, title="Land for those who farm it")
    mexico = PetitionFactory(coalition_id=world.mexico, title="Agua para todos")
    own = PetitionFactory(coalition_id=world.fia, title="Tax the richest 1%")
    db.session.add(
        PetitionSponsor(
            petition_id=zambia.id, organisation_id=zla_id, code="zla", status=SponsorStatus.ACCEPTED
        )
    )
    counted = SignatureState.COUNTED
    for person, when, source in (
        ("p1", "2025-03-09 21:59:59", ""),  # 23:59:59 in Lusaka: the day before the period
        ("p2", "2025-03-09 22:00", "zla"),  # midnight in Lusaka: the period's first day
        ("p3", "2025-03-10 10:00", "zla"),
        ("p4", "2025-03-12 21:59", "radio"),  # 23:59 on the last day
    ):
        sponsor = zla_id if source == "zla" else None
        SignatureFactory(
            petition_id=zambia.id,
            person_id=people[person],
            confirmed_at=at(when),
            state=counted,
            source=source,
            sponsor_organisation_id=sponsor,
        )
    SignatureFactory(petition_id=zambia.id, confirmed_at=at("2025-03-12 22:00"), state=counted)  # the 13th
    SignatureFactory(petition_id=zambia.id, confirmed_at=None, state=SignatureState.PENDING)
    SignatureFactory(
        petition_id=zambia.id, confirmed_at=at("2025-03-11 08:00"), state=SignatureState.OVER_LIMIT
    )
    SignatureFactory(
        petition_id=zambia.id, confirmed_at=at("2025-03-11 09:00"), state=SignatureState.INVALIDATED
    )
    SignatureFactory(
        petition_id=mexico.id,
        person_id=people["p3"],
        confirmed_at=at("2025-03-11 03:00"),
        state=SignatureState.CONFIRMED,
    )
    SignatureFactory(
        petition_id=own.id, person_id=people["p7"], confirmed_at=at("2025-03-10 12:00"), state=counted
    )
    world.ids.update(zambia_petition=zambia.id, mexico_petition=mexico.id, own_petition=own.id)
    world.slugs.update(zambia_petition=zambia.slug, own_petition=own.slug)


def _letters_and_registrations(world: World, people: dict[str, int]) -> None:
    campaign = LetterCampaignFactory(coalition_id=world.zambia, title="Write to the Minister")
    LetterFactory(
        campaign_id=campaign.id,
        person_id=people["p5"],
        status=LetterStatus.SENT,
        confirmed_at=at("2025-03-11 08:00"),
        source="radio",  # a source of letters too: counted with the signatures'
    )
    LetterFactory(campaign_id=campaign.id, person_id=people["p1"], status=LetterStatus.PENDING)
    assembly = AssemblyFactory(coalition_id=world.zambia, title="Lusaka People's Assembly")
    RegistrationFactory(
        assembly_id=assembly.id,
        person_id=people["p6"],
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=at("2025-03-12 05:00"),
    )
    RegistrationFactory(
        assembly_id=assembly.id,
        person_id=people["p4"],
        status=RegistrationStatus.CANCELLED,
        confirmed_at=at("2025-03-11 05:00"),
    )
    world.ids.update(campaign=campaign.id, assembly=assembly.id)


def _outbox(
    mailing_id: int, person_id: int | None, email: str, status: OutboxStatus, sent: str | None
) -> None:
    db.session.add(
        OutboxMessage(
            idempotency_key=f"mailing:{mailing_id}:person:{person_id or email}",
            mailing_id=mailing_id,
            person_id=person_id,
            recipient=email,
            sender="FIA Zambia <no-reply@organiser.test>",
            subject="News",
            status=status,
            sent_at=at(sent) if sent else None,
        )
    )


def _mail(world: World, people: dict[str, int], zla_id: int) -> None:
    """FIA Zambia's mailing reached p2 and p3 at 01:30 on the 11th in Lusaka, and p4's was refused; p2
    unsubscribed the next day, p3's address bounced. ZLA's own mailing does not count."""
    mailing = MailingFactory(
        coalition_id=world.zambia,
        subject="March news",
        status=MailingStatus.SENT,
        started_at=at("2025-03-10 23:00"),
        finished_at=at("2025-03-10 23:45"),
    )
    for person in ("p2", "p3"):
        _outbox(mailing.id, people[person], world.emails[person], OutboxStatus.SENT, "2025-03-10 23:30")
    _outbox(mailing.id, people["p4"], world.emails["p4"], OutboxStatus.FAILED, None)
    theirs = MailingFactory(
        coalition_id=world.zambia,
        organisation_id=zla_id,
        subject="ZLA news",
        status=MailingStatus.SENT,
        started_at=at("2025-03-11 10:00"),
        finished_at=at("2025-03-11 10:05"),
    )
    _outbox(theirs.id, people["p5"], world.emails["p5"], OutboxStatus.SENT, "2025-03-11 10:01")
    db.session.add_all(
        [
            ConsentEvent(
                person_id=people["p2"],
                subject_type=ConsentSubject.COALITION,
                subject_id=world.zambia,
                given=False,
                source="one-click",
                created_at=at("2025-03-12 09:00"),
            ),
            MailEvent(
                email=world.emails["p3"],
                kind=BounceKind.HARD,
                detail="550",
                created_at=at("2025-03-11 02:00"),
            ),
        ]
    )
    world.ids["mailing"] = mailing.id


@pytest.fixture
def world(app) -> World:
    world = World()
    with app.app_context():
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", parent=fia, country="ZM")
        mexico = CoalitionFactory(name="FIA Mexico", slug="fia-mexico", parent=fia, country="MX")
        zla = OrganisationFactory(name="Zambia Land Alliance", slug="zla", country="ZM")
        world.fia, world.zambia, world.mexico = fia.id, zambia.id, mexico.id
        people = _people(world, fia.id)
        _signatures(world, people, zla.id)
        _letters_and_registrations(world, people)
        _mail(world, people, zla.id)
        for role, scope in (("alliance", fia.id), ("zambia", zambia.id), ("mexico", mexico.id)):
            world.emails[role] = user_with_role(
                Role.COALITION_COORDINATOR, scope, email=f"{role}@coordinators.example"
            ).email
        db.session.commit()
    return world
