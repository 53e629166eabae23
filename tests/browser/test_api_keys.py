"""A chapter's coordinator creates an API key on a phone (360 px): a missing name answered next to
its field, the new key shown once, then revoked. Every page checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def test_a_coordinator_creates_and_revokes_an_api_key_on_a_phone(demo, new_page):
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("zambia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/coalitions/fia-zm")
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API keys")
    check_page(page)

    page.get_by_role("button", name="Create the key").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)

    page.get_by_label("Name of the key").fill("Our CRM")
    page.get_by_role("button", name="Create the key").click()
    expect(page.locator("#new-key")).to_have_text(re.compile(r"^osk_"))
    check_page(page)

    page.get_by_role("button", name="Revoke “Our CRM”").click()
    expect(page.locator("main")).to_contain_text("revoked")
    check_page(page)
