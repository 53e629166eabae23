"""A platform shaped like the demo, made with factories: SIA (UK) with an open petition, a letter
campaign, an assembly ahead, a draft, a closed petition, a past assembly and a petition delivered and
answered; FIA with its Zambian chapter (a petition, an assembly, a tribunal whose demand was won) and
its Mexican one (a letter campaign, a Spanish description)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from organiser.actions.petitions.models import PetitionDelivery, PetitionStatus, SignatureState
from organiser.actions.targets.models import Response
from organiser.assemblies.demands.models import Demand, DemandStatus, Outcome
from organiser.assemblies.models import RegistrationStatus
from organiser.db import db, utcnow
from tests.factories import (
    AssemblyFactory,
    CoalitionFactory,
    LetterCampaignFactory,
    LetterFactory,
    PetitionFactory,
    RegistrationFactory,
    SignatureFactory,
    TargetFactory,
)

MEXICO = (
    "La alianza en México reúne a movimientos sociales, sindicatos y organizaciones comunitarias en "
    "asambleas populares contra la desigualdad."
)


@dataclass
class World:
    sia: int
    fia: int
    zambia: int
    mexico: int


def in_order(page: str, *texts: str) -> bool:
    """Each text is on the page, after the one before it."""
    at = 0
    for text in texts:
        at = page.find(text, at)
        if at == -1:
            return False
        at += len(text)
    return True


def signed(petition_id: int, n: int, *, days_ago: float) -> None:
    """``n`` confirmed, counted signatures, confirmed ``days_ago``."""
    for _ in range(n):
        SignatureFactory(
            petition_id=petition_id,
            state=SignatureState.COUNTED,
            confirmed_at=utcnow() - timedelta(days=days_ago),
        )


def _sia() -> int:
    now = utcnow()
    sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
    essentials = PetitionFactory(
        coalition_id=sia.id,
        title="Introduce an essentials guarantee",
        slug="essentials-guarantee",
        ask="Make sure Universal Credit always covers life's essentials.",
        goal=1000,
        signature_count=120,
        opened_at=now - timedelta(days=30),
    )
    signed(essentials.id, 2, days_ago=1)
    PetitionFactory(coalition_id=sia.id, title="Equalise capital gains tax", status=PetitionStatus.DRAFT)
    PetitionFactory(coalition_id=sia.id, title="Keep the pension triple lock", status=PetitionStatus.CLOSED)
    treasury = LetterCampaignFactory(
        coalition_id=sia.id, title="Write to the Treasury", slug="write-treasury", letter_count=56
    )
    LetterFactory(campaign_id=treasury.id, status="sent", confirmed_at=now - timedelta(days=2))
    leeds = AssemblyFactory(
        coalition_id=sia.id,
        title="Leeds People's Assembly on the Cost of Living",
        slug="leeds-assembly",
        venue="Community centre, Leeds",
        timezone="Europe/London",
        capacity=60,
    )
    for _ in range(2):
        RegistrationFactory(assembly_id=leeds.id, status=RegistrationStatus.CONFIRMED, confirmed_at=now)
    AssemblyFactory(
        coalition_id=sia.id,
        title="Last year's assembly in Bristol",
        starts_at=now - timedelta(days=300),
        ends_at=now - timedelta(days=300) + timedelta(hours=5),
    )
    _delivered_and_answered(sia.id)
    return sia.id


def _delivered_and_answered(coalition_id: int) -> None:
    now = utcnow()
    homes = PetitionFactory(
        coalition_id=coalition_id,
        title="Fund a new generation of social homes",
        status=PetitionStatus.DELIVERED,
        signature_count=2140,
        closed_at=now - timedelta(days=22),
    )
    chancellor = TargetFactory(coalition_id=coalition_id, name="Office of the Chancellor", role="Chancellor")
    db.session.add(
        PetitionDelivery(
            petition_id=homes.id, delivered_at=now - timedelta(days=21), signature_count=2140, recipients=[]
        )
    )
    db.session.add(
        Response(
            petition_id=homes.id,
            target_id=chancellor.id,
            text="The Budget will set out our plans for social homes.",
            responded_on=(now - timedelta(days=14)).date(),
        )
    )


def _fia() -> tuple[int, int, int]:
    now = utcnow()
    fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None, languages=["en", "es"])
    zambia = CoalitionFactory(
        name="Fight Inequality Alliance Zambia", slug="fia-zm", parent=fia, country="ZM"
    )
    mexico = CoalitionFactory(
        name="Fight Inequality Alliance Mexico",
        slug="fia-mx",
        parent=fia,
        country="MX",
        languages=["es"],
        description=MEXICO,
    )
    PetitionFactory(
        coalition_id=zambia.id,
        title="Keep farm subsidies for smallholders",
        slug="smallholder-subsidies",
        ask="Keep input subsidies for smallholder farmers in the national budget.",
        signature_count=8,
    )
    AssemblyFactory(
        coalition_id=zambia.id,
        title="Lusaka People's Assembly on Debt and Public Services",
        slug="lusaka-assembly",
        venue="Community hall, Kabwata",
        capacity=4,
    )
    tribunal = AssemblyFactory(
        coalition_id=zambia.id,
        title="People's Tribunal on Debt and Public Services",
        slug="tribunal",
        starts_at=now - timedelta(days=40),
        ends_at=now - timedelta(days=40) + timedelta(hours=7),
    )
    db.session.add(
        Demand(
            assembly_id=tribunal.id,
            text="Restore the health and education budgets before any new payment to external creditors.",
            status=DemandStatus.ADOPTED,
            decided_at=now - timedelta(days=40),
            launched_at=now - timedelta(days=37),
            outcome=Outcome.WON,
            outcome_note="The budget restored the health allocation.",
            outcome_on=(now - timedelta(days=3)).date(),
        )
    )
    LetterCampaignFactory(coalition_id=mexico.id, title="Escribe al Congreso: salario digno", slug="salario")
    return fia.id, zambia.id, mexico.id


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        sia = _sia()
        fia, zambia, mexico = _fia()
        db.session.commit()
    return World(sia, fia, zambia, mexico)
