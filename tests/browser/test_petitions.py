"""A supporter signs on a phone-sized screen and confirms through the e-mailed link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.actions.petitions.models import PetitionStatus
from organiser.coalitions.models import Coalition
from organiser.db import db
from tests.browser.conftest import check_page
from tests.factories import PetitionFactory
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser


def test_sign_and_confirm_in_a_real_browser(demo, new_page, rq_worker, mail):
    with demo.app_context():
        sia = db.session.query(Coalition).filter_by(slug="structural-inequalities-alliance").one()
        PetitionFactory(
            coalition_id=sia.id,
            title="Scrap the two-child limit",
            slug="two-child-limit",
            ask="Scrap the two-child limit and the benefit cap.",
            status=PetitionStatus.OPEN,
            opened_at=None,
        )
        db.session.commit()
    page = new_page()
    page.goto("/petitions/two-child-limit")
    check_page(page)
    page.get_by_role("button", name="Sign").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)
    page.get_by_label("Your name").fill("Grace Hughes")
    page.get_by_label("E-mail address").fill("grace@example.org")
    page.get_by_label("Show my name on the petition page").check()
    page.get_by_role("button", name="Sign").click()
    assert "check your e-mail" in page.get_by_role("heading", level=1).inner_text().lower()
    check_page(page)

    [message] = mail.wait_for_to("grace@example.org")
    page.goto(path_of(links_in(message)[0]))
    check_page(page)
    page.get_by_role("button", name="Confirm my signature").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for signing"
    check_page(page)
    # The count job runs on the worker: the count is fresh within a few seconds (reload, since
    # the browser may keep the public page for its max-age).
    page.goto("/petitions/two-child-limit")
    for _ in range(50):
        if "1 signature" in page.locator("main").inner_text():
            break
        page.wait_for_timeout(200)
        page.reload()
    assert "1 signature" in page.locator("main").inner_text()
