"""The organisers' pages of the day, at 360 px with axe-core: the check-in desk (a code typed, a
walk-in), the page a registrant's QR code opens, the attendance board and the reminders."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from organiser.assemblies.models import Registration, RegistrationStatus
from organiser.coalitions.demo import DEMO_PASSWORD
from organiser.db import db
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser
PAGE = "/assemblies/lusaka-peoples-assembly"


def test_check_in_desk_qr_page_board_and_reminders_on_a_phone(demo, new_page):
    with demo.app_context():
        codes = list(
            db.session.scalars(
                select(Registration.check_in_code).where(Registration.status == RegistrationStatus.CONFIRMED)
            )
        )
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("zambia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(PAGE)
    page.get_by_role("link", name="Check-in on the day").click()
    check_page(page)
    page.get_by_label("Check-in code").fill(codes[0].lower())
    page.get_by_role("button", name="Check in", exact=True).click()
    assert "is checked in" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("button", name="Welcome them").click()
    assert "Enter the person's name" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_label("Name", exact=True).fill("Musonda Tembo")
    page.get_by_label("Town or region").fill("Kabwe")
    page.get_by_role("button", name="Welcome them").click()
    assert "Musonda Tembo is welcome" in page.locator("main").inner_text()

    page.goto(f"{PAGE}/check-in/{codes[1]}")
    check_page(page)
    page.get_by_role("button", name="Check in").click()
    assert "is checked in" in page.locator("main").inner_text()
    page.get_by_role("link", name="Attendance board for a screen (it updates itself)").click()
    assert "people have arrived" in page.locator("main").inner_text()
    check_page(page)
    page.goto(f"{PAGE}/reminders")
    check_page(page)
    page.get_by_label("When to remind registrants").fill("3 weeks")
    page.get_by_role("button", name="Save the reminders").click()
    assert "Write each time as a number" in page.locator("main").inner_text()
    check_page(page)
