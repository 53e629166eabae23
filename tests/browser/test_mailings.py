"""A coordinator writes and sends a mailing in a real browser; a supporter unsubscribes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page
from tests.helpers import path_of

pytestmark = pytest.mark.browser


def test_coordinator_sends_a_mailing_and_a_supporter_unsubscribes(demo, new_page, rq_worker, mail):
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("zambia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Mailings").click()
    check_page(page)
    page.get_by_role("link", name="Write a new mailing").click()
    check_page(page)

    page.get_by_role("button", name="Save the draft").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)

    page.get_by_label("Subject").fill("People's assembly in Lusaka on 20 January")
    page.get_by_label("Everyone who agreed to hear from Fight Inequality Alliance Zambia").check()
    page.get_by_label("Message").fill(
        "Dear {{ name }},\n\nCome and set the demands: **youth jobs** and farm subsidies."
    )
    page.get_by_role("button", name="Save the draft").click()
    assert "7 people will get it" in page.locator("main").inner_text()
    check_page(page)

    page.get_by_role("button", name="Send it now to 7 people").click()
    messages = [
        m for m in mail.wait_for(8, timeout=30) if m["List-Unsubscribe"]
    ]  # + the seeded application's
    assert len({m["To"].addresses[0].addr_spec for m in messages}) == 7
    page.wait_for_timeout(1500)
    page.reload()
    assert "7 of 7 handled" in page.locator("main").inner_text()
    check_page(page)

    url = re.fullmatch(r"<(.+)>", messages[0]["List-Unsubscribe"]).group(1)
    supporter = new_page()
    supporter.goto(path_of(url))
    check_page(supporter)
    supporter.get_by_label("Stop all campaign e-mails sent through Organiser").check()
    supporter.get_by_role("button", name="Unsubscribe").click()
    assert supporter.get_by_role("heading", level=1).inner_text() == "You are unsubscribed"
    check_page(supporter)
