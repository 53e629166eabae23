"""A coordinator reads the abuse page of a petition, invalidates a domain's signatures after
seeing how many match, and puts them back, on a phone-sized screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from organiser.actions.petitions.models import PetitionStatus, Signature, SignatureState
from organiser.coalitions.models import Coalition
from organiser.db import db, utcnow
from organiser.demo import DEMO_PASSWORD
from organiser.people.models import Person
from tests.browser.conftest import check_page
from tests.factories import PetitionFactory

pytestmark = pytest.mark.browser


def _petition_with_signatures() -> None:
    sia = db.session.query(Coalition).filter_by(slug="structural-inequalities-alliance").one()
    petition = PetitionFactory(
        coalition_id=sia.id,
        title="Scrap the two-child limit",
        slug="two-child-limit",
        ask="Scrap it.",
        status=PetitionStatus.OPEN,
        signature_count=5,
        opened_at=None,
    )
    db.session.add(petition)
    db.session.flush()
    for n, domain in enumerate(["bad.example"] * 3 + ["good.example"] * 2):
        person = Person(tree_id=sia.id, email=f"p{n}@{domain}", name=f"Person {n}")
        db.session.add(person)
        db.session.flush()
        db.session.add(
            Signature(
                petition_id=petition.id,
                person_id=person.id,
                name=person.name,
                ip=f"192.0.2.{n % 2 + 1}",
                email_domain=domain,
                state=SignatureState.COUNTED,
                confirmed_at=utcnow(),
                created_at=utcnow() - timedelta(minutes=n),
            )
        )
    db.session.commit()


def test_a_coordinator_invalidates_a_domain_and_puts_it_back(demo, new_page):
    with demo.app_context():
        _petition_with_signatures()
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("sia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/petitions/two-child-limit")
    page.get_by_role("link", name="Abuse and invalidation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Abuse and invalidation"
    check_page(page)

    page.get_by_label("Why").fill("Sign-ups from a throwaway domain")
    page.get_by_role("button", name="See how many match").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)

    page.get_by_label("E-mail domain", exact=True).fill("bad.example")
    page.get_by_role("button", name="See how many match").click()
    assert "3 signatures match" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("button", name="Invalidate 3 signatures").click()
    assert "The count is now 2." in page.locator("main").inner_text()
    check_page(page)

    page.get_by_role("button", name="Put these signatures back").click()
    assert "The count is now 5." in page.locator("main").inner_text()
    check_page(page)
