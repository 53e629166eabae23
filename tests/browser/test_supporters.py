"""A chapter's coordinator works with the supporter list on a phone (360 px): filters (one of them
wrong, answered next to its field), tags the people matched, opens a person, writes a note; and the
tags page. Every page checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def test_the_supporter_list_and_a_persons_page_on_a_phone(demo, new_page):
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("zambia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Supporters").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supporters")
    check_page(page)

    page.get_by_label("Active in the last … days").fill("0")
    page.get_by_role("button", name="Show them").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)

    page.get_by_label("Active in the last … days").fill("365")
    page.get_by_label("Agrees to hear from").select_option(label="Fight Inequality Alliance Zambia")
    page.get_by_role("button", name="Show them").click()
    assert re.search(r"\d+ (people|person) match", page.locator("main").inner_text())
    check_page(page)

    page.get_by_label("Or a new tag").fill("Lusaka volunteers")
    page.get_by_role("button", name=re.compile("^Put it on")).click()
    assert "“Lusaka volunteers” put on" in page.locator("main").inner_text()
    check_page(page)

    page.locator("table a").first.click()
    expect(page.get_by_role("heading", level=2, name="Tags")).to_be_visible()
    assert "Lusaka volunteers" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("button", name="Add the note").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    page.get_by_role("textbox", name="Note").fill("Can bring ten people from Kanyama.")
    page.get_by_role("button", name="Add the note").click()
    assert "Can bring ten people from Kanyama." in page.locator("main").inner_text()
    check_page(page)

    page.get_by_role("link", name=re.compile("^Supporters – ")).click()
    page.get_by_role("link", name="Tags", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tags")
    check_page(page)
