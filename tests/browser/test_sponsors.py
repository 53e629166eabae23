"""Co-sponsoring in a real browser: invite, accept, sign through the tracking link with the
sponsor's consent box, and the sponsor's supporters page; every page checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.actions.petitions.models import PetitionStatus
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page
from tests.factories import PetitionFactory
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_member_co_sponsors_and_sees_the_supporters_it_brought_in(demo, new_page, rq_worker, mail):
    with demo.app_context():
        sia = db.session.query(Coalition).filter_by(slug="structural-inequalities-alliance").one()
        PetitionFactory(
            coalition_id=sia.id,
            title="Scrap the two-child limit",
            slug="two-child-limit",
            ask="Scrap the two-child limit and the benefit cap.",
            status=PetitionStatus.OPEN,
            opened_at=None,
        )
        db.session.commit()
    coordinator = new_page()
    _sign_in(coordinator, "sia.coordinator@example.org")
    coordinator.goto("/petitions/two-child-limit/sponsors")
    check_page(coordinator)
    coordinator.get_by_role("button", name="Send the invitation").click()
    expect(coordinator).to_have_title(re.compile(r"^Error:"))
    check_page(coordinator)
    coordinator.get_by_label("Organisation", exact=True).select_option(label="The Equality Trust")
    coordinator.get_by_role("button", name="Send the invitation").click()
    assert "The Equality Trust is invited" in coordinator.get_by_role("status").inner_text()
    coordinator.goto("/petitions/two-child-limit/milestones")
    check_page(coordinator)

    [invitation] = mail.wait_for_to("equalitytrust.admin@example.org", timeout=30)
    admin = new_page()
    _sign_in(admin, "equalitytrust.admin@example.org")
    admin.goto(path_of(links_in(invitation)[0]))
    check_page(admin)
    admin.get_by_role("button", name="Co-sponsor “Scrap the two-child limit”").click()
    assert "Share your tracking link" in admin.get_by_role("status").inner_text()
    check_page(admin)

    visitor = new_page()
    visitor.goto("/petitions/two-child-limit?source=the-equality-trust")
    assert "Sponsored by The Equality Trust" in visitor.locator("main").inner_text()
    check_page(visitor)
    visitor.get_by_label("Your name").fill("Grace Hughes")
    visitor.get_by_label("E-mail address").fill("grace@example.org")
    visitor.get_by_label("Keep me updated by e-mail about campaigns of The Equality Trust.").check()
    visitor.get_by_role("button", name="Sign").click()
    [confirmation] = mail.wait_for_to("grace@example.org", timeout=30)
    visitor.goto(path_of(links_in(confirmation)[0]))
    visitor.get_by_role("button", name="Confirm my signature").click()
    assert visitor.get_by_role("heading", level=1).inner_text() == "Thank you for signing"

    admin.goto("/organisations/the-equality-trust/supporters")
    text = admin.locator("main").inner_text()
    assert "grace@example.org" in text and "Grace Hughes" in text  # with the demo's own supporters
    assert "/petitions/two-child-limit?source=the-equality-trust" in text
    check_page(admin)
