"""Demo data for petitions started by supporters and for thresholds, in the Structural Inequalities
Alliance: one published (and signed by its five supporters), with an update waiting for a
coordinator's approval; one with its five supporters, waiting for the coordinators' decision; one
still gathering supporters; and thresholds on the essentials guarantee, with what happens next.
Invented people, at example.org. Seeded by ``organiser.demo`` after the petitions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select

from organiser.actions.petitions.community.models import CommunityPetition, CommunityState, PetitionUpdate
from organiser.actions.petitions.models import Petition, PetitionStatus, Signature, SignatureState
from organiser.actions.petitions.thresholds.models import NextStep, PetitionThreshold
from organiser.coalitions.models import Coalition
from organiser.db import db, utcnow
from organiser.people.models import Person
from organiser.people.services import upsert_person

REGIONS = ("Leeds", "Bradford", "Sheffield", "York", "Hull")


class Demo(NamedTuple):
    slug: str
    title: str
    ask: str
    why: str
    creator: str
    state: CommunityState
    supporters: int


DEMO = (
    Demo(
        "make-private-renting-affordable",
        "Make private renting affordable",
        "Cap rent rises at the rate of inflation and end no-fault evictions.",
        "Private rents take more than a third of what families here earn; many of us move every year "
        "because the rent goes up again.",
        "Amina Yusuf (demo)",
        CommunityState.PUBLISHED,
        5,
    ),
    Demo(
        "social-housing-in-every-region",
        "Build social housing in every region",
        "Fund councils to build 90,000 social homes a year, in every region.",
        "Over a million households wait for a social home; building them brings rents down for everyone.",
        "Daniel Okafor (demo)",
        CommunityState.MODERATION,
        5,
    ),
    Demo(
        "free-bus-travel-under-22s",
        "Free bus travel for everyone under 22",
        "Give everyone under 22 free bus travel, as Scotland does.",
        "Young people on low incomes cannot get to college or work without paying fares they cannot afford.",
        "Leah Campbell (demo)",
        CommunityState.COLLECTING,
        2,
    ),
)


def seed_community(sia: Coalition) -> None:
    """The three petitions from supporters, and the essentials guarantee's thresholds."""
    now = utcnow()
    supporters = list(db.session.scalars(select(Person).where(Person.tree_id == sia.id).order_by(Person.id)))
    for index, demo in enumerate(DEMO):
        _seed_one(sia, demo, supporters[index : index + demo.supporters], now)
    _seed_thresholds()


def _seed_one(sia: Coalition, demo: Demo, people: list[Person], now: datetime) -> None:
    """One petition from a supporter: its creator's signature and their supporters' (all confirmed)."""
    started = now - timedelta(days=9)
    state, creator = demo.state, demo.creator
    published = state == CommunityState.PUBLISHED
    petition = Petition(
        coalition_id=sia.id,
        title=demo.title,
        slug=demo.slug,
        ask=demo.ask,
        background=demo.why,
        target="Secretary of State for Housing",
        status=PetitionStatus.OPEN if published else PetitionStatus.DRAFT,
        opened_at=now - timedelta(days=4) if published else None,
        created_at=started,
    )
    db.session.add(petition)
    db.session.flush()
    email = creator.split(" (")[0].lower().replace(" ", ".") + "@example.org"
    person = upsert_person(sia.id, email, name=creator, country="GB")
    community = CommunityPetition(
        petition_id=petition.id,
        person_id=person.id,
        creator_name=creator,
        state=state,
        supporters_needed=5,
        created_at=started,
        confirmed_at=started + timedelta(minutes=5),
        submitted_at=started + timedelta(days=2) if state != CommunityState.COLLECTING else None,
        decided_at=now - timedelta(days=4) if published else None,
    )
    db.session.add(community)
    db.session.flush()
    for index, signer in enumerate([person, *people]):
        signed = started + timedelta(hours=index * 7)
        db.session.add(
            Signature(
                petition_id=petition.id,
                person_id=signer.id,
                name=signer.name,
                region=REGIONS[index % 5],
                country="GB",
                public_name=index != 0,
                created_at=signed,
                confirmed_at=signed + timedelta(minutes=6),
                state=SignatureState.COUNTED,
            )
        )
    db.session.flush()
    petition.signature_count = db.session.scalar(
        select(func.count()).where(
            Signature.petition_id == petition.id, Signature.state == SignatureState.COUNTED
        )
    )
    if published:
        db.session.add(
            PetitionUpdate(
                community_id=community.id,
                subject="The council's housing committee will hear us",
                body="Thank you for signing. The housing committee has agreed to hear three of us on "
                "3 March. Please share the petition with your neighbours before then.",
            )
        )


def _seed_thresholds() -> None:
    """On the essentials guarantee: a response asked at 500 signatures, a debate at 1,000 (its goal)."""
    essentials = db.session.scalar(select(Petition).where(Petition.slug == "essentials-guarantee"))
    if essentials is None:
        return
    db.session.add_all(
        [
            PetitionThreshold(
                petition_id=essentials.id,
                signatures=500,
                next_step=NextStep.RESPONSE,
                details="We ask the Chancellor to reply in writing within 30 days.",
            ),
            PetitionThreshold(
                petition_id=essentials.id,
                signatures=1000,
                next_step=NextStep.DEBATE,
                details="We ask MPs for a debate in Westminster Hall.",
            ),
        ]
    )
    db.session.flush()
