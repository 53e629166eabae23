"""A supporter reaches their own data page through the e-mailed link on a phone, changes a consent
and erases their data; a coordinator's privacy page; every page checked with axe at 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser


def test_own_data_page_consent_and_erasure_in_a_real_browser(demo, new_page, rq_worker, mail):
    page = new_page()
    page.goto("/my-data")
    check_page(page)
    page.get_by_role("button", name="Send me the link").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)
    page.get_by_label("E-mail address").fill("uk.supporter1@example.org")
    page.get_by_role("button", name="Send me the link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"

    [message] = mail.wait_for_to("uk.supporter1@example.org")
    page.goto(path_of(links_in(message)[0]))
    assert page.get_by_role("heading", level=1).inner_text() == "Your data"
    check_page(page)
    box = page.get_by_role("checkbox", name="Structural Inequalities Alliance")
    assert box.is_checked()
    box.uncheck()
    page.get_by_role("button", name="Save my choices").click()
    assert "Your choices are saved" in page.locator("main").inner_text()
    assert not page.get_by_role("checkbox", name="Structural Inequalities Alliance").is_checked()
    check_page(page)

    page.get_by_role("link", name="Erase my data…").click()
    check_page(page)
    page.get_by_role("button", name="Erase my data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your data is erased"
    check_page(page)

    coordinator = new_page()
    coordinator.goto("/account/sign-in")
    coordinator.get_by_label("E-mail address").fill("sia.coordinator@example.org")
    coordinator.get_by_label("Password").fill(DEMO_PASSWORD)
    coordinator.get_by_role("button", name="Sign in").click()
    coordinator.goto("/coalitions/structural-inequalities-alliance/privacy")
    assert "asked for by the person" in coordinator.locator("main").inner_text()
    check_page(coordinator)
    coordinator.get_by_label("Their e-mail address").fill("uk.supporter2@example.org")
    coordinator.get_by_role("button", name="Find").click()
    assert "Consent history" in coordinator.locator("main").inner_text()
    check_page(coordinator)
