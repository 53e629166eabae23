"""A writer answers the follow-up e-mail ("did they reply?") on a phone-sized screen, and a
coordinator reads the campaign's report: both pages pass axe and fit 360 px."""

from __future__ import annotations

from datetime import timedelta

import pytest

from organiser.actions.letters.replies.follow_ups import send_follow_ups
from organiser.db import db, utcnow
from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser

SLUG = "write-essentials-guarantee"  # seeded by organiser.actions.letters.demo


def test_a_writer_answers_the_follow_up_and_the_coordinator_reads_the_report(demo, new_page, rq_worker, mail):
    with demo.app_context():  # the demo's letters went a few days ago: the clock moves on two weeks
        assert send_follow_ups(utcnow() + timedelta(days=15)) >= 1
        db.session.commit()
    with mail.lock:  # the demo may have mail of its own on the way
        assert mail.lock.wait_for(lambda: _follow_ups(mail), 30)
    message = _follow_ups(mail)[0]
    page = new_page()
    page.goto(path_of(links_in(message)[0]))
    check_page(page)
    page.get_by_label("What did they say? (optional)").fill(
        "A kind reply: they will raise it with the Chancellor."
    )
    page.get_by_label("The coalition may share what I wrote here (without my name)").check()
    page.get_by_role("button", name="Yes, they replied").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for telling us"
    check_page(page)

    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("sia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/letters/{SLUG}")
    page.get_by_role("link", name="Report and replies").click()
    check_page(page)
    main = page.locator("main").inner_text()
    assert "1 writer told us the decision-maker replied" in main and "A kind reply" in main
    assert page.locator("svg.chart").count() == 1


def _follow_ups(mail) -> list:
    return [m for m in mail.messages if str(m["Subject"]).startswith("Did they reply to your letter?")]
