"""A coordinator adds a webhook on a phone-sized screen (360 px), from the coalition's page: the
webhooks page (and its errors), the page that shows the secret once, and the webhook's own page after
"send a test"; axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def test_a_coordinator_adds_a_webhook_and_sends_a_test(demo, new_page):
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("sia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/coalitions/structural-inequalities-alliance")
    page.get_by_role("link", name="Webhooks").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Webhooks"
    check_page(page)

    page.get_by_role("button", name="Add the webhook").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    # A public address given as a number: checked without a DNS look-up. The test is never sent here
    # (no worker runs), so nothing leaves the machine.
    page.get_by_label("Address (URL)").fill("https://93.184.216.34/hooks/organiser")
    page.get_by_label("New signatures on petitions (once confirmed)").check()
    page.get_by_role("button", name="Add the webhook").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Webhook added"
    assert page.locator("#secret").inner_text().startswith("whsec_")
    check_page(page)

    page.get_by_role("link", name="See the webhook and send a test").click()
    page.get_by_role("button", name="Send a test").click()
    assert "A test is on its way" in page.locator("main").inner_text()
    assert "Waiting to be sent" in page.locator("main").inner_text()
    check_page(page)
