"""Importing supporters on a phone-sized screen: the upload, the preview of the columns and rows
(with a row in error), the consent refused next to its fields, then the import waiting for a worker.
Every page passes axe and fits 360 px (the progress page once its self-refresh is stopped: axe counts
any refresh as a failure, as it cannot know the page offers to stop it)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.core.models import Role
from organiser.db import db
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, CoalitionFactory, user_with_role

pytestmark = pytest.mark.browser
FILE = (
    "Email Address,First Name,Last Name,CC,REGION,Notes\n"
    "mutinta.phiri@example.org,Mutinta,Phiri,ZM,Lusaka Province,Came to the assembly in Lusaka\n"
    "not-an-address,Chipo,Mwale,ZM,Copperbelt,\n"
    "bwalya@example.org,Bwalya,Mulenga,Zambia,Northern,A very long note that runs on and on\n"
)


def test_the_import_pages_in_a_real_browser(live, new_page, tmp_path):
    with live.app_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", country="ZM")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@fia-zambia.example")
        db.session.commit()
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("coord@fia-zambia.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/coalitions/fia-zambia")
    page.get_by_role("link", name="Import supporters").click()
    check_page(page)

    upload = tmp_path / "mailchimp.csv"
    upload.write_text(FILE)
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Which column holds what")).to_be_visible()
    expect(page.get_by_label("Column “Email Address”")).to_have_value("email")
    expect(page.get_by_label("Column “Notes”")).to_have_value("ignore")
    problems = page.get_by_role("region", name="Rows with a problem")
    expect(problems.get_by_role("row", name=re.compile("^3 "))).to_contain_text("is not an e-mail address")
    check_page(page)

    page.get_by_label("Column “First Name”").select_option("name")
    page.get_by_role("button", name="Check the rows with these columns").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    page.get_by_label("Column “Last Name”").select_option("ignore")
    page.get_by_role("button", name="Check the rows with these columns").click()
    expect(page.get_by_text("Columns saved")).to_be_visible()

    page.get_by_role("link", name="Next: what they agreed to").click()
    page.get_by_label("Yes: they agreed to hear from FIA Zambia").check()
    page.get_by_role("button", name="Import 2 people").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    page.get_by_label("What they agreed to, word for word").fill("Keep me updated by e-mail")
    page.get_by_label("Where they agreed").fill("Mailchimp sign-up form")
    page.get_by_label("When they agreed").fill("2025-03-31")
    page.get_by_role("button", name="Import 2 people").click()
    expect(page.get_by_role("heading", name="Import of mailchimp.csv")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("max", "2")
    assert page.locator('meta[http-equiv="refresh"]').count() == 1, "no worker yet: it waits, and refreshes"
    page.get_by_role("link", name="Stop refreshing it").click()  # axe: a refresh the reader can stop
    expect(page.locator("progress")).to_have_attribute("value", "0")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    check_page(page)
    page.get_by_role("link", name="Import supporters – FIA Zambia").click()
    log = page.get_by_role("region", name="Imports so far")
    row = log.get_by_role("row", name=re.compile("^mailchimp.csv"))
    expect(row).to_contain_text("Agreed: “Keep me updated")
    check_page(page)
