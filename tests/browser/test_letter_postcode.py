"""The postcode step of a letter "by region", on a phone-sized screen: the writer types a postcode,
presses "Find my representatives" and sees their MP; an unknown postcode is explained next to the
field and the list of areas opens; every page passes axe and fits 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser

SLUG = "write-to-your-mp"  # seeded by organiser.actions.letters.demo.seed_region_letters


def test_find_my_representatives_then_send_in_a_real_browser(demo, new_page, rq_worker, mail):
    page = new_page()
    page.goto(f"/letters/{SLUG}")
    check_page(page)
    page.get_by_label("Your name").fill("Nadia Brown")
    page.get_by_label("E-mail address").fill("nadia@example.org")
    page.get_by_label("Your postcode").fill("zz9 9zz")
    page.get_by_role("button", name="Find my representatives").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    assert "We do not know the postcode “ZZ9 9ZZ”" in page.locator(".field-error").first.inner_text()
    expect(page.get_by_label("Your region or constituency")).to_be_visible()

    page.get_by_label("Your postcode").fill("ls6 1aa")
    page.get_by_role("button", name="Find my representatives").click()
    expect(page.locator("#recipients")).to_contain_text("MP for Leeds Central and Headingley (demo)")
    check_page(page)
    assert page.get_by_label("Your name").input_value() == "Nadia Brown", "what was typed is kept"
    assert page.get_by_label("Your postcode").input_value() == "LS6 1AA"

    page.get_by_role("textbox", name="Your letter").fill(  # a personal letter goes alone, at once
        "My children's school in Headingley runs a breakfast club because families cannot afford food. "
        "Please vote to scrap the two-child limit."
    )
    page.get_by_role("button", name="Send my letter").click()
    assert "check your e-mail" in page.get_by_role("heading", level=1).inner_text().lower()
    [message] = mail.wait_for_to("nadia@example.org")
    page.goto(path_of(links_in(message)[0]))
    page.get_by_role("button", name="Confirm and send my letter").click()
    assert "on its way" in page.get_by_role("heading", level=1).inner_text()
    [letter] = mail.wait_for_to("leeds-central-headingley.demo@example.org")
    assert letter["Reply-To"] == "nadia@example.org"
