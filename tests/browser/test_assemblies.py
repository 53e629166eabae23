"""Someone registers for the demo Lusaka assembly on a phone-sized screen, confirms through the
e-mailed link, and sees their own registration page; axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from organiser.assemblies.models import Assembly
from organiser.db import db
from tests.browser.conftest import check_page
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser


def test_register_and_confirm_in_a_real_browser(demo, new_page, rq_worker, mail):
    with demo.app_context():
        assembly = db.session.scalar(select(Assembly).where(Assembly.slug == "lusaka-peoples-assembly"))
        assembly.capacity = 5  # one place left for this test (the demo's four are taken)
        db.session.commit()
    page = new_page()
    page.goto("/assemblies/lusaka-peoples-assembly")
    assert "1 place left." in page.locator("main").inner_text()
    assert "(Africa/Lusaka)" in page.locator("main").inner_text()
    assert "09:00 · Welcome and why we are here" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)
    page.get_by_label("Your name").fill("Natasha Zulu")
    page.get_by_label("E-mail address").fill("natasha@example.org")
    page.get_by_label("Access needs").fill("Nyanja interpretation")
    page.get_by_role("button", name="Register").click()
    assert "check your e-mail" in page.get_by_role("heading", level=1).inner_text().lower()
    check_page(page)

    [message] = mail.wait_for_to("natasha@example.org")
    [link] = [url for url in links_in(message) if "/confirm/" in url]
    page.goto(path_of(link))
    check_page(page)
    page.get_by_role("button", name="Confirm my registration").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your place is confirmed"
    main = page.locator("main").inner_text()
    assert "https://meet.example.org/lusaka-peoples-assembly" in main and "Check-in code" in main
    check_page(page)
