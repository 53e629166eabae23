"""Starting a petition on a phone-sized screen (360 px), with axe-core on every page: the start form
(empty, then with its errors, then filled in), the creator's confirmation and own page, the private
link supporters sign through; and the coordinators' queue and review page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser

SIA = "/coalitions/structural-inequalities-alliance"


def test_start_a_petition_on_a_phone(demo, new_page, rq_worker, mail):
    page = new_page()
    page.goto(SIA)
    page.get_by_role("link", name="Start a petition with Structural Inequalities Alliance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a petition")
    check_page(page)
    page.get_by_role("button", name="Start my petition").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    page.get_by_label("Title").fill("Warm homes for every renter")
    page.get_by_label("What you ask for").fill("Make landlords insulate every rented home by 2030.")
    page.get_by_label("Why").fill("Half of the renters we know cannot afford to heat their homes.")
    dwp = "Secretary of State for Work and Pensions (demo), Secretary of State, "
    dwp += "Department for Work and Pensions"
    page.get_by_label("Who can make it happen").select_option(label=dwp)
    page.get_by_label("Your name").fill("Nadia Rahman")
    page.get_by_label("E-mail address").fill("nadia@example.org")
    page.get_by_role("button", name="Start my petition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step: check your e-mail")
    check_page(page)

    [message] = mail.wait_for_to("nadia@example.org")
    page.goto(path_of(next(link for link in links_in(message) if "/community/confirm/" in link)))
    check_page(page)
    page.get_by_role("button", name="Confirm my petition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warm homes for every renter")
    assert "Gathering its first supporters" in page.locator("main").inner_text()
    check_page(page)
    share = page.get_by_label("Your private link").input_value()
    page.goto(path_of(share))
    expect(page.get_by_role("button", name="Support it")).to_be_visible()
    check_page(page)

    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("sia.coordinator@example.org")
    page.get_by_label("Password").fill("organiser-demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto(SIA + "/community-petitions")
    assert "Build social housing in every region" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("link", name="Build social housing in every region").click()
    page.get_by_role("button", name="Reject").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
