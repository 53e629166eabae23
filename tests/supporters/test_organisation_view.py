"""An organisation's admins never see a person who does not agree to hear from their organisation:
not in the list (any page, any order, any filter they have), not on a person's page, not in the
export. Generated: several organisations in a chapter and the alliance above it, an admin of one or
two of them, and people whose consent to each was never given, given, or given and withdrawn."""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field

import pytest
from flask import Flask

from organiser.actions.petitions.models import SignatureState
from organiser.coalitions.models import MembershipStatus
from organiser.core import services
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.people.models import ConsentSubject
from organiser.people.services import record_consent
from organiser.supporters import listing
from tests.factories import (
    PASSWORD,
    CoalitionFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PetitionFactory,
    SignatureFactory,
    user_with_role,
)
from tests.helpers import sign_in

SEEDS = range(4)


@dataclass
class Generated:
    admins: dict[str, tuple[int, ...]] = field(default_factory=dict)  # e-mail → organisations
    consenting: dict[int, set[int]] = field(default_factory=dict)  # organisation → people agreeing today
    in_chapter: set[int] = field(default_factory=set)  # people the chapter's pages show
    emails: dict[int, str] = field(default_factory=dict)
    active: set[int] = field(default_factory=set)  # organisations that are active members


def _generate(rng: random.Random) -> Generated:
    made = Generated()
    fia = CoalitionFactory(name="FIA", slug="fia", country=None)
    zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", parent=fia, country="ZM")
    petition = PetitionFactory(coalition_id=zambia.id, slug="land")
    organisations = [OrganisationFactory(name=f"Organisation {i}", slug=f"org-{i}") for i in range(4)]
    # Two members of the chapter, one of the alliance above it, one whose membership is suspended.
    for organisation, coalition, status in zip(
        organisations,
        (zambia, zambia, fia, zambia),
        (MembershipStatus.ACTIVE,) * 3 + (MembershipStatus.SUSPENDED,),
        strict=True,
    ):
        MembershipFactory(organisation=organisation, coalition=coalition, status=status)
    for i in range(rng.randint(12, 30)):
        person = PersonFactory(
            tree_id=fia.id,
            email=f"person{i:02d}@example.org",
            name=f"Person {i:02d}",
            country=rng.choice(["ZM", "MX", None]),
            region=rng.choice(["Lusaka", "Copperbelt", ""]),
        )
        made.emails[person.id] = person.email
        if rng.random() < 0.5:
            SignatureFactory(
                petition_id=petition.id,
                person_id=person.id,
                state=SignatureState.COUNTED,
                confirmed_at=utcnow(),
            )
            made.in_chapter.add(person.id)
        if rng.random() < 0.4:
            record_consent(person, ConsentSubject.COALITION, zambia.id, given=rng.random() < 0.7)
            made.in_chapter.add(person.id)
        for organisation in organisations:
            history = rng.choice([(), (True,), (True, False), (False,), (True, False, True)])
            for given in history:
                record_consent(person, ConsentSubject.ORGANISATION, organisation.id, given=given)
            if history and history[-1]:
                made.consenting.setdefault(organisation.id, set()).add(person.id)
    ids = [o.id for o in organisations]
    made.active = set(ids[:3])
    for n, held in enumerate(([ids[0]], [ids[1], ids[2]], [ids[2]], [ids[3]])):
        user = user_with_role(Role.ORGANISATION_ADMIN, held[0], email=f"admin{n}@org.example")
        for organisation_id in held[1:]:
            services.grant_role(user, Role.ORGANISATION_ADMIN, organisation_id)
        made.admins[user.email] = tuple(held)
    return made


def _listed_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/coalitions/fia-zambia/supporters/(\d+)"', html)}


@pytest.mark.parametrize("seed", SEEDS)
def test_an_organisations_view_and_export_hold_only_people_who_agree_to_hear_from_it(app: Flask, seed: int):
    rng = random.Random(seed)
    with app.app_context():
        made = _generate(rng)
        db.session.commit()
    active = made.active
    for email, held in made.admins.items():
        client = app.test_client()
        assert sign_in(client, email, PASSWORD).status_code == 302
        allowed = set().union(*(made.consenting.get(o, set()) for o in held if o in active))
        allowed &= made.in_chapter
        page = client.get("/coalitions/fia-zambia/supporters")
        if not (set(held) & active):
            assert page.status_code == 403, email  # a suspended member sees nothing
            continue
        seen: set[int] = set()
        for sort in ("joined", "oldest", "name"):
            for country in ("", "ZM"):
                html = client.get(
                    f"/coalitions/fia-zambia/supporters?sort={sort}&country={country}"
                ).get_data(as_text=True)
                shown = _listed_ids(html)
                assert shown <= allowed, (
                    f"{email} sees {sorted(shown - allowed)} who do not agree to hear from them"
                )
                seen |= shown
        assert seen == allowed, "and everyone who does agree (in the chapter) is there"
        exported = list(
            csv.reader(
                io.StringIO(client.get("/coalitions/fia-zambia/supporters.csv").get_data(as_text=True))
            )
        )
        assert {row[1] for row in exported[1:]} == {made.emails[i] for i in allowed}
        for person_id in made.emails:
            status = client.get(f"/coalitions/fia-zambia/supporters/{person_id}").status_code
            assert status == (200 if person_id in allowed else 404), (email, person_id)
    assert listing.PER_PAGE > 30, "every person fits on one page here"
