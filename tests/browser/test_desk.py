"""The coordinators' desk on a phone-sized screen (360 px), checked with axe-core: an alliance's
desk with its chapters side by side, another period chosen on its form, a mistake answered next to
the field; a chapter's coordinator is refused the alliance's desk and opens their own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def test_an_alliance_desk_on_a_phone(demo, new_page):
    page = new_page()
    _sign_in(page, "fia.coordinator@example.org")
    page.goto("/coalitions/fight-inequality-alliance")
    page.get_by_role("link", name="Desk", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Desk")
    check_page(page)
    sides = page.get_by_role("region", name="Chapters side by side")
    expect(sides.get_by_role("link", name="Fight Inequality Alliance Zambia")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Supporters and what they did In all"))).to_be_visible()

    page.get_by_label("Period", exact=True).select_option(label="The last 90 days")
    page.get_by_role("button", name="Show the figures").click()
    expect(page).to_have_url(re.compile(r"period=90"))
    expect(page.get_by_role("heading", level=2, name="Week by week")).to_be_visible()
    check_page(page)

    page.get_by_label("Period", exact=True).select_option(label="From one date to another")
    page.get_by_label("From", exact=True).fill("2026-03-31")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Show the figures").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    page.get_by_role("alert").get_by_role("link", name="Choose a last day on or after the first").click()
    assert page.evaluate("document.activeElement.id") == "end"


def test_a_chapter_coordinator_opens_their_own_desk_only(demo, new_page):
    page = new_page()
    _sign_in(page, "zambia.coordinator@example.org")
    response = page.goto("/coalitions/fight-inequality-alliance/desk")
    assert response.status == 403
    page.goto("/account")
    page.get_by_role("link", name="Desk", exact=True).click()
    expect(page).to_have_url(re.compile(r"/coalitions/fia-zm/desk$"))
    assert "Chapters side by side" not in page.locator("main").inner_text()
    check_page(page)
