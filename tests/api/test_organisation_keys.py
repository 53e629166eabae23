"""Generated: several organisations (members of a chapter, of the alliance above it, of another chapter,
suspended) and people who did things in either chapter and agreed, or not, to hear from each. An
organisation's key sees through the API exactly the people its admins see in the supporters' pages,
over every coalition they may look at — never more — and a 403 on anyone else."""

from __future__ import annotations

import random
import re

import pytest
from flask import Flask

from organiser.actions.petitions.models import SignatureState
from organiser.api.keys import create_key
from organiser.coalitions.models import MembershipStatus
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

SEEDS = range(2)
SLUGS = ("fia", "fia-zambia", "fia-mexico")
ACTIVE, SUSPENDED = MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED
# organisation → its memberships: of the Zambian chapter, of the alliance, of the Mexican chapter (and
# suspended from Zambia's), suspended only
MEMBERSHIPS = (
    (("fia-zambia", ACTIVE),),
    (("fia", ACTIVE),),
    (("fia-mexico", ACTIVE), ("fia-zambia", SUSPENDED)),
    (("fia-zambia", SUSPENDED),),
)


def _generate(rng: random.Random) -> list[tuple[str, str, set[int]]]:
    """(admin's e-mail, the organisation's key, the people in the tree); commits nothing."""
    fia = CoalitionFactory(name="FIA", slug="fia", country=None)
    chapters = {
        "fia": fia,
        "fia-zambia": CoalitionFactory(name="FIA Zambia", slug="fia-zambia", parent=fia, country="ZM"),
        "fia-mexico": CoalitionFactory(name="FIA Mexico", slug="fia-mexico", parent=fia, country="MX"),
    }
    petitions = [PetitionFactory(coalition_id=chapters[s].id, slug=f"p-{s}") for s in SLUGS[1:]]
    organisations = [OrganisationFactory(name=f"Organisation {i}", slug=f"org-{i}") for i in range(4)]
    for organisation, memberships in zip(organisations, MEMBERSHIPS, strict=True):
        for slug, status in memberships:
            MembershipFactory(organisation=organisation, coalition=chapters[slug], status=status)
    people = set()
    for i in range(rng.randint(10, 25)):
        person = PersonFactory(tree_id=fia.id, email=f"person{i:02d}@example.org", name=f"Person {i:02d}")
        people.add(person.id)
        for petition in petitions:
            if rng.random() < 0.4:
                state = rng.choice([SignatureState.COUNTED, SignatureState.PENDING])
                SignatureFactory(
                    petition_id=petition.id, person_id=person.id, state=state, confirmed_at=utcnow()
                )
        if rng.random() < 0.3:
            record_consent(person, ConsentSubject.COALITION, chapters[rng.choice(SLUGS)].id, given=True)
        for organisation in organisations:
            for given in rng.choice([(), (True,), (True, False), (False,), (True, False, True)]):
                record_consent(person, ConsentSubject.ORGANISATION, organisation.id, given=given)
    made = []
    for n, organisation in enumerate(organisations):
        admin = user_with_role(Role.ORGANISATION_ADMIN, organisation.id, email=f"admin{n}@org.example")
        made.append((admin.email, create_key(organisation, "CRM")[1], people))
    return made


def _seen_in_the_pages(app: Flask, email: str) -> set[int]:
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    seen: set[int] = set()
    for slug in SLUGS:
        page = client.get(f"/coalitions/{slug}/supporters")
        if page.status_code == 403:
            continue
        assert page.status_code == 200
        seen |= {
            int(i)
            for i in re.findall(rf'href="/coalitions/{slug}/supporters/(\d+)"', page.get_data(as_text=True))
        }
    return seen


@pytest.mark.parametrize("seed", SEEDS)
def test_an_organisations_key_sees_exactly_what_its_admins_see_in_the_pages(app: Flask, seed: int):
    with app.app_context():
        made = _generate(random.Random(seed))
        db.session.commit()
    api = app.test_client()
    sizes = []
    for email, key, people in made:
        expected = _seen_in_the_pages(app, email)
        sizes.append(len(expected))
        answer = api.get("/api/v1/people", headers={"OSDI-API-Token": key}, query_string={"per_page": 100})
        assert answer.status_code == 200
        got = {int(p["identifiers"][0].split(":")[1]) for p in answer.json["_embedded"]["osdi:people"]}
        assert got == expected, (email, sorted(got - expected), sorted(expected - got))
        assert answer.json["total_records"] == len(expected)
        for person_id in people:
            status = api.get(f"/api/v1/people/{person_id}", headers={"OSDI-API-Token": key}).status_code
            assert status == (200 if person_id in expected else 403), (email, person_id)
    assert sizes[-1] == 0 and max(sizes) > 0, "a suspended member sees nobody; the others someone"
    assert listing.PER_PAGE > 25, "everyone fits on one page of the list"
