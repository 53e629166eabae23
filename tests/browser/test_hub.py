"""The public face on a phone-sized screen (360 px), checked with axe-core: the home page and its
search, an alliance's page with its chapters' actions and its filters, a coalition's page with its
outcomes; no JavaScript needed for any of it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def test_the_home_page_and_a_search_on_a_phone(demo, new_page):
    page = new_page()
    page.goto("/")
    check_page(page)
    featured = page.get_by_role("region", name="Open now, most active this week")
    expect(featured.get_by_role("link", name="Introduce an essentials guarantee")).to_be_visible()
    page.get_by_label("Search", exact=True).fill("debt")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_title(re.compile("^Search: debt"))
    check_page(page)
    main = page.locator("main")
    assert "3 results for “debt”" in main.inner_text()
    page.get_by_label("Kind", exact=True).select_option(label="Assemblies")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile("kind=assembly"))
    assert "2 results for “debt”" in main.inner_text()
    check_page(page)
    page.get_by_role("link", name="Lusaka People's Assembly on Debt and Public Services").click()
    lusaka = "Lusaka People's Assembly on Debt and Public Services"
    expect(page.get_by_role("heading", level=1)).to_have_text(lusaka)

    page.goto("/search?q=" + "x" * 201)  # longer than the field lets anyone type
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    page.get_by_role("alert").get_by_role("link", name="Use at most 200 characters").click()
    assert page.evaluate("document.activeElement.id") == "q"


def test_an_alliance_page_with_its_chapters_actions_and_filters_on_a_phone(demo, new_page):
    page = new_page()
    page.goto("/coalitions/fight-inequality-alliance")
    check_page(page)
    actions = page.get_by_role("region", name="Take action")
    expect(actions.get_by_role("heading", name="Fight Inequality Alliance Zambia")).to_be_visible()
    page.get_by_label("Chapter", exact=True).select_option(label="Fight Inequality Alliance Zambia")
    page.get_by_label("Kind", exact=True).select_option(label="Petitions")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"actions-kind=petition.*actions-chapter=fia-zm"))
    check_page(page)
    assert "Keep farm subsidies for smallholders" in actions.inner_text()
    assert "Lusaka People's Assembly" not in actions.inner_text()
    actions.get_by_role("link", name="Keep farm subsidies for smallholders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep farm subsidies for smallholders")


def test_a_coalition_page_with_its_actions_and_outcomes_on_a_phone(demo, new_page):
    page = new_page()
    page.goto("/coalitions/structural-inequalities-alliance")
    check_page(page)
    outcomes = page.get_by_role("region", name="Recent outcomes")
    assert "Fund a new generation of social homes" in outcomes.inner_text()
    assert "Answered" in outcomes.inner_text()
    page.get_by_role("region", name="Take action").get_by_role(
        "link", name="Leeds People's Assembly on the Cost of Living"
    ).click()
    assert "(Europe/London)" in page.locator("main").inner_text()
    check_page(page)
