"""Demo data for petitions: an open SIA petition with two decision-makers, two co-sponsors (a third
invited), tracking links and milestones, confirmed signatures from the demo supporters; a draft; an
open FIA Zambia petition signed by the Zambian supporters; and, once the assemblies are seeded, the
petition the Zambian tribunal's demand launched, opened and signed; and an earlier SIA petition,
delivered and answered (``seed_delivered_petition``). Seeded by ``organiser.demo``."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from organiser.actions.petitions.models import (
    Petition,
    PetitionDelivery,
    PetitionSponsor,
    PetitionStatus,
    Signature,
    SignatureState,
    SponsorStatus,
)
from organiser.actions.petitions.services import open_petition, update_petition
from organiser.actions.targets.models import Response, Target
from organiser.coalitions.models import Coalition
from organiser.core.models import User
from organiser.db import db, utcnow
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import record_consent

# Postcode districts, as many signers type them: four in the demo's constituencies
# (actions.targets.lookup.demo), Cardiff's outside them.
UK_REGIONS = ("LS6", "BS8", "L8", "EH6", "CF10")
ZAMBIAN_REGIONS = ("Lusaka", "Chipata", "Kitwe", "Kasama")
SOURCES = ("equality-trust", "wbg", "", "equality-trust")  # the tracking code each fourth signer came by


def seed_petitions(sia: Coalition, zambia: Coalition, admin: User) -> None:
    """The three petitions, the SIA one's targets and sponsors, and the confirmed signatures."""
    now = utcnow()
    essentials, capital_gains = _sia_petitions(sia, admin, now)
    farmers = _zambian_petition(zambia, admin, now)
    db.session.add_all([essentials, capital_gains, farmers])
    _seed_targets(sia, essentials)
    sponsors = _seed_sponsors(sia, essentials, admin, now)
    _seed_uk_signatures(sia, essentials, sponsors, now)
    _seed_zambian_signatures(zambia, farmers, now)
    db.session.flush()
    for petition in (essentials, farmers):
        petition.signature_count = _counted(petition)


def _sia_petitions(sia: Coalition, admin: User, now: datetime) -> tuple[Petition, Petition]:
    """An open petition with milestones, and a draft."""
    essentials = Petition(
        coalition_id=sia.id,
        title="Introduce an essentials guarantee",
        slug="essentials-guarantee",
        ask="Make sure Universal Credit always covers life's essentials, like food and bills, and scrap the "
        "two-child limit and the benefit cap.",
        background="85% of Britons are concerned about inequality, and 83% agree it must be reduced to "
        "support fairer opportunities. An essentials guarantee is the floor no one should fall below.",
        target="The Chancellor of the Exchequer",
        goal=1000,
        milestones=[100, 500],
        status=PetitionStatus.OPEN,
        opened_at=now - timedelta(days=6),
        created_by_id=admin.id,
    )
    capital_gains = Petition(
        coalition_id=sia.id,
        title="Equalise capital gains tax with income tax",
        slug="equalise-capital-gains-tax",
        ask="Tax gains from wealth at the same rates as income from work.",
        goal=5000,
        created_by_id=admin.id,
    )
    return essentials, capital_gains


def _zambian_petition(zambia: Coalition, admin: User, now: datetime) -> Petition:
    return Petition(
        coalition_id=zambia.id,
        title="Keep farm subsidies for smallholders",
        slug="smallholder-subsidies",
        ask="Keep input subsidies for smallholder farmers in the national budget.",
        background="At the people's assemblies, thousands discussed youth unemployment and access to "
        "subsidies for farmers and health.",
        goal=500,
        status=PetitionStatus.OPEN,
        opened_at=now - timedelta(days=3),
        created_by_id=admin.id,
    )


def _seed_targets(sia: Coalition, essentials: Petition) -> None:
    """Offices, not people: their addresses are invented, at example.org."""
    chancellor = Target(
        coalition_id=sia.id,
        name="Chancellor of the Exchequer (demo)",
        role="Chancellor",
        body="HM Treasury",
        email="chancellor.demo@example.org",
    )
    dwp = Target(
        coalition_id=sia.id,
        name="Secretary of State for Work and Pensions (demo)",
        role="Secretary of State",
        body="Department for Work and Pensions",
        email="dwp.demo@example.org",
    )
    db.session.add_all([chancellor, dwp])
    db.session.flush()
    essentials.targets = [chancellor, dwp]


def _seed_sponsors(
    sia: Coalition, essentials: Petition, admin: User, now: datetime
) -> dict[str, PetitionSponsor]:
    """Two co-sponsors who accepted (by their tracking code), and one still invited."""
    orgs = {m.organisation.name: m.organisation for m in sia.memberships}

    def accepted(name: str, code: str, days_ago: int) -> PetitionSponsor:
        return PetitionSponsor(
            petition_id=essentials.id,
            organisation_id=orgs[name].id,
            code=code,
            status=SponsorStatus.ACCEPTED,
            invited_by_id=admin.id,
            responded_at=now - timedelta(days=days_ago),
        )

    sponsors = {
        "equality-trust": accepted("The Equality Trust", "equality-trust", 5),
        "wbg": accepted("Women's Budget Group", "wbg", 4),
    }
    db.session.add_all(sponsors.values())
    db.session.add(
        PetitionSponsor(
            petition_id=essentials.id,
            organisation_id=orgs["The Health Foundation"].id,
            code="health-foundation",
            invited_by_id=admin.id,
        )
    )
    db.session.flush()
    return sponsors


def _seed_uk_signatures(
    sia: Coalition, essentials: Petition, sponsors: dict[str, PetitionSponsor], now: datetime
) -> None:
    """Every SIA supporter but the last signed, some through a sponsor's link (half of those agreed
    to hear from the sponsor too)."""
    people = list(db.session.scalars(select(Person).where(Person.tree_id == sia.id).order_by(Person.id)))
    for index, person in enumerate(people[:-1]):
        code = SOURCES[index % 4]
        sponsor = sponsors.get(code)
        if sponsor is not None and index % 2 == 0:
            record_consent(
                person,
                ConsentSubject.ORGANISATION,
                sponsor.organisation_id,
                given=True,
                wording=f"Keep me updated by e-mail about campaigns of {sponsor.organisation.name}.",
                source="petition:essentials-guarantee",
            )
        signed = now - timedelta(days=5 - index % 5, hours=index)
        db.session.add(
            Signature(
                petition_id=essentials.id,
                person_id=person.id,
                name=person.name,
                region=UK_REGIONS[index % 5],
                country="GB",
                public_name=index % 3 != 2,
                source=code,
                sponsor_organisation_id=sponsor.organisation_id if sponsor else None,
                created_at=signed,
                confirmed_at=signed + timedelta(minutes=7),
                state=SignatureState.COUNTED,
            )
        )


def _seed_zambian_signatures(zambia: Coalition, farmers: Petition, now: datetime) -> None:
    zambians = list(db.session.scalars(select(Person).where(Person.tree_id == zambia.parent_id)))
    for index, person in enumerate(zambians):
        signed = now - timedelta(days=2, hours=index)
        db.session.add(
            Signature(
                petition_id=farmers.id,
                person_id=person.id,
                name=person.name,
                region=ZAMBIAN_REGIONS[index % 4],
                country="ZM",
                public_name=True,
                created_at=signed,
                confirmed_at=signed + timedelta(minutes=3),
                state=SignatureState.COUNTED,
            )
        )


def open_demand_petition(petition_id: int, zambia: Coalition, by: User, *, opened_at: datetime) -> None:
    """A petition an assembly's demand launched in draft (``assemblies.demo``): its coordinator gives it
    a goal and opens it, and the first five Zambian demo supporters sign it (only they: the tribunal's
    witnesses share their people's tree, and sign nothing)."""
    petition = db.session.get(Petition, petition_id)
    update_petition(petition, by=by, goal=250)
    open_petition(petition, by=by)
    petition.opened_at = opened_at  # when it was launched, days ago
    supporters = db.session.scalars(
        select(Person)
        .where(Person.tree_id == zambia.parent_id, Person.email.like("zm.supporter%@example.org"))
        .order_by(Person.id)
        .limit(5)
    )
    for index, person in enumerate(supporters):
        signed = opened_at + timedelta(days=index, hours=3)
        db.session.add(
            Signature(
                petition_id=petition.id,
                person_id=person.id,
                name=person.name,
                region=ZAMBIAN_REGIONS[index % 4],
                country="ZM",
                public_name=index != 2,
                created_at=signed,
                confirmed_at=signed + timedelta(minutes=4),
                state=SignatureState.COUNTED,
            )
        )
    db.session.flush()
    petition.signature_count = _counted(petition)


def _counted(petition: Petition) -> int:
    counted = Signature.petition_id == petition.id, Signature.state == SignatureState.COUNTED
    return db.session.scalar(select(func.count()).where(*counted))


def seed_delivered_petition(sia: Coalition, admin: User) -> Petition:
    """An earlier SIA petition, signed by the demo supporters, delivered to the Chancellor's office
    three weeks ago, whose (invented, demo) answer was recorded a week later: what the Alliance's page
    shows under its outcomes."""
    now = utcnow()
    chancellor = db.session.scalar(
        select(Target).where(Target.coalition_id == sia.id, Target.role == "Chancellor")
    )
    homes = Petition(
        coalition_id=sia.id,
        title="Fund a new generation of social homes",
        slug="fund-social-homes",
        ask="Use the next Budget to fund councils and housing associations to build social homes for rent.",
        background="Private rents take a growing share of low incomes. Social homes, let at rents people "
        "can afford, are the surest way to make housing fair.",
        target="The Chancellor of the Exchequer",
        goal=10,
        status=PetitionStatus.DELIVERED,
        opened_at=now - timedelta(days=60),
        closed_at=now - timedelta(days=22),
        created_by_id=admin.id,
    )
    db.session.add(homes)
    db.session.flush()
    homes.targets = [chancellor]
    people = db.session.scalars(select(Person).where(Person.tree_id == sia.id).order_by(Person.id))
    for index, person in enumerate(people):
        signed = now - timedelta(days=55 - index * 2)
        db.session.add(
            Signature(
                petition_id=homes.id,
                person_id=person.id,
                name=person.name,
                region=UK_REGIONS[index % 5],
                country="GB",
                public_name=index % 3 != 2,
                created_at=signed,
                confirmed_at=signed + timedelta(minutes=5),
                state=SignatureState.COUNTED,
            )
        )
    db.session.flush()
    homes.signature_count = _counted(homes)
    _deliver(homes, chancellor, admin, delivered=now - timedelta(days=21))
    return homes


def _deliver(petition: Petition, target: Target, admin: User, *, delivered: datetime) -> None:
    """The delivery as the coordinators' button records it, and the answer they recorded."""
    db.session.add(
        PetitionDelivery(
            petition_id=petition.id,
            delivered_by_id=admin.id,
            delivered_at=delivered,
            signature_count=petition.signature_count,
            public_signer_count=petition.signature_count,
            message="Before the Budget, please.",
            recipients=[{"id": target.id, "name": target.name, "role": target.role, "body": target.body}],
        )
    )
    db.session.add(
        Response(
            petition_id=petition.id,
            target_id=target.id,
            text="(Demo answer.) The Chancellor thanks the Alliance and its supporters. The Budget will set "
            "out the Government's plans for investment in housing, including social homes.",
            responded_on=(delivered + timedelta(days=7)).date(),
            recorded_by_id=admin.id,
            recorded_at=delivered + timedelta(days=8),
        )
    )
