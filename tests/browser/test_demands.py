"""A registrant votes on an assembly's demands through their e-mailed link on a phone-sized screen,
and the assembly's page shows the results and the demand's chain; axe-core checks every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from organiser.assemblies.demands import services
from organiser.assemblies.demands.models import Demand, Voting
from organiser.assemblies.models import Assembly, AssemblyStatus, Registration, RegistrationStatus
from organiser.coalitions.models import Coalition
from organiser.db import db, utcnow
from organiser.people.models import Person
from tests.browser.conftest import check_page
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

DEMANDS = (
    "Fund rural clinics before paying creditors.",
    "Audit the Eurobond debt in public, and publish every loan agreement the government has signed.",
    "Guarantee jobs for young people.",
)


def _assembly_with_an_open_vote(live) -> str:
    """The vote path of Mwila's link."""
    with live.app_context():
        coalition = Coalition(name="FIA Zambia", slug="fia-zm", country="ZM")
        db.session.add(coalition)
        db.session.flush()
        assembly = Assembly(
            coalition_id=coalition.id,
            title="Lusaka People's Assembly",
            slug="lusaka",
            starts_at=utcnow() - timedelta(hours=2),
            ends_at=utcnow() + timedelta(hours=4),
            timezone="Africa/Lusaka",
            capacity=50,
            status=AssemblyStatus.PUBLISHED,
        )
        db.session.add(assembly)
        db.session.flush()
        for n, text in enumerate(DEMANDS, start=1):
            db.session.add(Demand(assembly_id=assembly.id, position=n, text=text, addressed_to="Parliament"))
        person = Person(tree_id=coalition.id, email="mwila@example.org", name="Mwila Banda")
        db.session.add(person)
        db.session.flush()
        registration = Registration(
            assembly_id=assembly.id,
            person_id=person.id,
            name=person.name,
            email=person.email,
            status=RegistrationStatus.CONFIRMED,
        )
        db.session.add(registration)
        db.session.add(Voting(assembly_id=assembly.id, opened_at=utcnow()))
        db.session.flush()
        path = f"/assemblies/lusaka/vote/{services.vote_token(registration)}"
        db.session.commit()
    return path


def test_vote_on_the_demands_on_a_phone(live, new_page):
    path = _assembly_with_an_open_vote(live)
    page = new_page()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vote on the demands")
    check_page(page)
    for n in range(3):
        group = page.get_by_role("group", name=f"{n + 1}. {DEMANDS[n]}")
        group.get_by_label(("For", "Against", "Abstain")[n], exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("status")).to_have_text("Thank you: your vote is recorded.")
    assert "You have voted on every demand" in page.locator("main").inner_text()
    check_page(page)

    with live.app_context():
        assembly = db.session.query(Assembly).one()
        services.close_voting(assembly, by=UserFactory())
        db.session.commit()
    page.goto("/assemblies/lusaka")
    main = page.locator("main").inner_text()
    assert "Adopted · 1 for, 0 against, 0 abstaining" in main
    assert "Not adopted · 0 for, 0 against, 1 abstaining" in main
    check_page(page)
