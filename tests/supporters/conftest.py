"""FIA with its Zambian and Mexican chapters, and the people of its tree: who did what, who agreed
to hear from whom, and an account for each kind of viewer.

* Chipo: signed the Zambian petition, wrote in its letter campaign; agrees to hear from FIA Zambia
  and from Zambia Land Alliance (ZLA).
* Bwalya: registered for the Zambian assembly; agrees to hear from FIA Zambia.
* Mutale: signed the Zambian petition but never confirmed it; no consent.
* Lupita: signed the Zambian petition; agreed to hear from ZLA, then withdrew.
* María: signed the Mexican petition; agrees to hear from FIA Mexico.
* Ana: agrees to hear from FIA (the alliance) only; did nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import Flask

from organiser.actions.letters.models import LetterStatus
from organiser.actions.petitions.models import SignatureState
from organiser.assemblies.models import RegistrationStatus
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.people.models import ConsentSubject
from organiser.people.services import record_consent
from tests.factories import (
    PASSWORD,
    AssemblyFactory,
    CoalitionFactory,
    LetterCampaignFactory,
    LetterFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PetitionFactory,
    RegistrationFactory,
    SignatureFactory,
    TargetFactory,
    user_with_role,
)
from tests.helpers import sign_in

ACCOUNTS = {
    "alliance": "coordinator@fia.example",
    "zambia": "coordinator@fia-zambia.example",
    "mexico": "coordinator@fia-mexico.example",
    "zla": "admin@zla.example",
}


@dataclass
class Tree:
    fia: int = 0
    zambia: int = 0
    mexico: int = 0
    zla: int = 0
    petition: int = 0  # Zambia's
    mexican_petition: int = 0
    campaign: int = 0
    assembly: int = 0
    people: dict[str, int] = field(default_factory=dict)


def _person(tree: Tree, name: str, email: str, **fields: object) -> object:
    person = PersonFactory(tree_id=tree.fia, name=name, email=email, **fields)
    tree.people[name] = person.id
    return person


def _consent(person: object, kind: ConsentSubject, subject_id: int, given: bool = True) -> None:
    record_consent(
        person, kind, subject_id, given=given, wording=f"Keep me posted ({kind})", source="test form"
    )


def build_tree() -> Tree:
    tree = Tree()
    fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None, languages=["en"])
    zambia = CoalitionFactory(
        name="FIA Zambia", slug="fia-zambia", parent=fia, country="ZM", languages=["en", "bem"]
    )
    mexico = CoalitionFactory(
        name="FIA Mexico", slug="fia-mexico", parent=fia, country="MX", languages=["es"]
    )
    zla = OrganisationFactory(name="Zambia Land Alliance", slug="zla", country="ZM")
    MembershipFactory(organisation=zla, coalition=zambia)
    tree.fia, tree.zambia, tree.mexico, tree.zla = fia.id, zambia.id, mexico.id, zla.id
    for key, scope in (("alliance", fia.id), ("zambia", zambia.id), ("mexico", mexico.id)):
        user_with_role(Role.COALITION_COORDINATOR, scope, email=ACCOUNTS[key], name=f"{key} coordinator")
    user_with_role(Role.ORGANISATION_ADMIN, zla.id, email=ACCOUNTS["zla"], name="ZLA admin")

    petition = PetitionFactory(coalition_id=zambia.id, title="Land for those who farm it", slug="land")
    mexican = PetitionFactory(coalition_id=mexico.id, title="Agua para todos", slug="agua")
    campaign = LetterCampaignFactory(coalition_id=zambia.id, title="Write to the Minister", slug="minister")
    assembly = AssemblyFactory(coalition_id=zambia.id, title="Lusaka People's Assembly", slug="lusaka")
    target = TargetFactory(coalition_id=zambia.id, name="Minister of Lands")
    tree.petition, tree.mexican_petition, tree.campaign, tree.assembly = (
        petition.id,
        mexican.id,
        campaign.id,
        assembly.id,
    )
    chipo = _person(tree, "Chipo Mwale", "chipo@example.org", country="ZM", region="Lusaka", language="en")
    bwalya = _person(
        tree, "Bwalya Phiri", "bwalya@example.org", country="ZM", region="Copperbelt", language="bem"
    )
    mutale = _person(tree, "Mutale Banda", "mutale@example.org", country="ZM", region="Lusaka")
    lupita = _person(tree, "Lupita Tembo", "lupita@example.org", country="ZM", region="Eastern")
    maria = _person(tree, "María López", "maria@example.org", country="MX", region="Oaxaca", language="es")
    ana = _person(tree, "Ana Silva", "ana@example.org", country="BR")
    counted = {"state": SignatureState.COUNTED, "confirmed_at": utcnow() - timedelta(days=3)}
    SignatureFactory(petition_id=petition.id, person_id=chipo.id, name=chipo.name, **counted)
    SignatureFactory(
        petition_id=petition.id, person_id=mutale.id, name=mutale.name, state=SignatureState.PENDING
    )
    SignatureFactory(petition_id=petition.id, person_id=lupita.id, name=lupita.name, **counted)
    SignatureFactory(petition_id=mexican.id, person_id=maria.id, name=maria.name, **counted)
    LetterFactory(
        campaign_id=campaign.id,
        person_id=chipo.id,
        target_id=target.id,
        status=LetterStatus.SENT,
        confirmed_at=utcnow(),
    )
    RegistrationFactory(
        assembly_id=assembly.id,
        person_id=bwalya.id,
        name=bwalya.name,
        email=bwalya.email,
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=utcnow() - timedelta(days=40),
    )
    _consent(chipo, ConsentSubject.COALITION, zambia.id)
    _consent(chipo, ConsentSubject.ORGANISATION, zla.id)
    _consent(bwalya, ConsentSubject.COALITION, zambia.id)
    _consent(lupita, ConsentSubject.ORGANISATION, zla.id)
    _consent(lupita, ConsentSubject.ORGANISATION, zla.id, given=False)
    _consent(maria, ConsentSubject.COALITION, mexico.id)
    _consent(ana, ConsentSubject.COALITION, fia.id)
    return tree


@pytest.fixture
def tree(app: Flask) -> Tree:
    with app.app_context():
        built = build_tree()
        db.session.commit()
    return built


@pytest.fixture
def as_user(app: Flask, tree: Tree):
    """``as_user("zambia")``: a client signed in as that account (ACCOUNTS)."""

    def client_for(key: str):
        client = app.test_client()
        assert sign_in(client, ACCOUNTS[key], PASSWORD).status_code == 302
        return client

    return client_for
