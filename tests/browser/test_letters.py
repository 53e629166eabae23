"""A supporter writes to the demo decision-makers on a phone-sized screen and confirms through the
e-mailed link; the campaign page and the confirm page pass axe and fit 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser

SLUG = "write-essentials-guarantee"  # seeded by organiser.actions.letters.demo


def test_write_and_confirm_a_letter_in_a_real_browser(demo, new_page, rq_worker, mail):
    page = new_page()
    page.goto(f"/letters/{SLUG}")
    check_page(page)
    assert "8 letters sent so far" in page.locator("main").inner_text()
    page.get_by_role("textbox", name="Your letter").fill("")
    page.get_by_role("button", name="Send my letter").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)
    page.get_by_label("Your name").fill("Nadia Brown")
    page.get_by_label("E-mail address").fill("nadia@example.org")
    page.get_by_role("textbox", name="Your letter").fill(
        "The two-child limit keeps my children in poverty. Please scrap it."
    )
    page.get_by_role("button", name="Send my letter").click()
    assert "check your e-mail" in page.get_by_role("heading", level=1).inner_text().lower()
    check_page(page)

    [message] = mail.wait_for_to("nadia@example.org")
    page.goto(path_of(links_in(message)[0]))
    check_page(page)
    page.get_by_role("button", name="Confirm and send my letter").click()
    assert "on its way" in page.get_by_role("heading", level=1).inner_text()
    check_page(page)
    [letter] = mail.wait_for_to("chancellor.demo@example.org")
    assert letter["Reply-To"] == "nadia@example.org"
    assert "10 letters have been sent" in page.locator("main").inner_text()
