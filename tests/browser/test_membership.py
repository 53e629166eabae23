"""Applying to join and deciding on applications, in a real browser, checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def test_an_organisation_applies_and_the_coordinator_approves(demo, new_page, rq_worker, mail):
    page = new_page()
    page.goto("/coalitions/structural-inequalities-alliance")
    check_page(page)
    page.get_by_role("link", name="Apply to join Structural Inequalities Alliance").click()
    check_page(page)
    page.get_by_role("button", name="Send the application").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)

    page.get_by_label("Organisation name").fill("Centre for Ageing Better")
    page.get_by_label("Type of organisation").select_option("ngo")
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Your name").fill("Pat Example")
    page.get_by_label("Your e-mail address").fill("pat@example.org")
    page.get_by_label("On behalf of the organisation, I endorse these principles").check()
    page.get_by_role("button", name="Send the application").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Application sent"
    check_page(page)

    coordinator = new_page()
    coordinator.goto("/account/sign-in")
    coordinator.get_by_label("E-mail address").fill("sia.coordinator@example.org")
    coordinator.get_by_label("Password").fill(DEMO_PASSWORD)
    coordinator.get_by_role("button", name="Sign in").click()
    coordinator.goto("/coalitions/structural-inequalities-alliance/members")
    assert "2 applications to decide on" in coordinator.locator("main").inner_text()
    check_page(coordinator)
    coordinator.get_by_role("button", name="Approve Centre for Ageing Better").click()
    assert "Centre for Ageing Better is now a member" in coordinator.get_by_role("status").inner_text()
    subjects = {m["Subject"] for m in mail.wait_for(4, timeout=30)}  # the seeded application wrote too
    assert "You are invited to Centre for Ageing Better on Organiser" in subjects
