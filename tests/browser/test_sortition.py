"""Selection by lot at 360 px with axe-core: the organisers' page, a run's chances with its chart and
the seed's forms, the public volunteering form and the public verification page after the draw."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from organiser.assemblies.sortition.models import SelectionRun
from organiser.assemblies.sortition.selection import run_selection
from organiser.db import db
from tests.browser.conftest import check_page
from tests.factories import PASSWORD
from tests.sortition.test_pages import (
    LOT,
    SLUG,
    import_people,
    make_assembly,
    people_csv,
    set_quotas,
    set_up_pool,
    signed_in,
    start_run,
)

pytestmark = pytest.mark.browser


def test_the_sortition_pages_on_a_phone(live, new_page):
    make_assembly(live)
    client = signed_in(live)
    set_up_pool(client)
    import_people(client, people_csv())
    set_quotas(client)
    start_run(client, "maximin")
    with live.app_context():
        run_id = db.session.scalar(select(SelectionRun.id))
        run_selection(run_id)  # the job, here (no worker in this test)

    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(LOT)
    assert "8 volunteers in the pool" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("link", name=f"Run {run_id}").click()
    assert "The chances of selection" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_label("SHA-256 of your seed").fill(hashlib.sha256(b"Kitwe seed").hexdigest())
    page.get_by_role("button", name="Publish the SHA-256").click()
    check_page(page)
    page.get_by_label("The seed").fill("Kitwe seed")
    page.get_by_role("button", name="Reveal the seed and draw").click()
    assert "Drawn:" in page.locator("main").inner_text()

    visitor = new_page()
    visitor.goto(f"/assemblies/{SLUG}/selection")
    assert "Kitwe seed" in visitor.locator("main").inner_text()
    check_page(visitor)
    visitor.goto(f"/assemblies/{SLUG}/volunteer")
    check_page(visitor)
    visitor.get_by_role("button", name="Volunteer").click()
    assert "There is a problem" in visitor.locator("main").inner_text()
    check_page(visitor)
