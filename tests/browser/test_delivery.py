"""In a real browser: a coordinator lists decision-makers, imports them, addresses a petition to
them, reads its report, delivers it and records a response; the embed widget at 300 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.actions.petitions.models import PetitionStatus
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page
from tests.factories import PetitionFactory
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser

SLUG = "two-child-limit"
SIA = "structural-inequalities-alliance"


def _add_petition(demo) -> None:
    with demo.app_context():
        sia = db.session.query(Coalition).filter_by(slug=SIA).one()
        PetitionFactory(
            coalition_id=sia.id,
            title="Scrap the two-child limit",
            slug=SLUG,
            ask="Scrap the two-child limit and the benefit cap.",
            status=PetitionStatus.OPEN,
            opened_at=None,
        )
        db.session.commit()


def test_targets_report_delivery_and_response(demo, new_page, rq_worker, mail):
    _add_petition(demo)
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("sia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/coalitions/{SIA}/targets")
    check_page(page)
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)
    page.get_by_label("Name").fill("Rachel Reeves")
    page.get_by_label("Role").fill("Chancellor of the Exchequer")
    page.get_by_label("Body").fill("HM Treasury")
    page.get_by_label("E-mail address").fill("chancellor@treasury.example")
    page.get_by_role("button", name="Add").click()
    assert "Rachel Reeves is on the list" in page.locator("main").inner_text()

    page.get_by_role("link", name="Import decision-makers from CSV").click()
    check_page(page)
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "targets.csv",
                "mimeType": "text/csv",
                "buffer": b"name,role,body,email\nAnn Lee,MP,House of Commons,ann@parliament.example\n"
                b",MP,House of Commons,bad-address\n",
            }
        ],
    )
    page.get_by_role("button", name="Check the file").click()
    assert "1 decision-maker can be imported" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("button", name="Import 1 decision-maker").click()
    assert "Ann Lee" in page.locator("main").inner_text()

    page.goto(f"/petitions/{SLUG}")
    check_page(page)
    page.get_by_text("Put the sign form on another website").click()
    assert f"/petitions/{SLUG}/embed" in page.get_by_label("Code to paste").input_value()
    page.get_by_role("link", name="Choose who it is addressed to").click()
    check_page(page)
    page.get_by_label("Rachel Reeves · Chancellor of the Exchequer · HM Treasury").check()
    page.get_by_role("button", name="Save").click()
    assert "Rachel Reeves" in page.locator("main").inner_text()

    page.get_by_role("link", name="Report: signatures by day, source and region").click()
    assert page.locator("svg[role=img]").count() == 4
    page.get_by_text("The figures as a table").first.click()
    check_page(page)

    page.goto(f"/petitions/{SLUG}")
    page.get_by_role("button", name="Close it to new signatures").click()
    page.get_by_role("link", name="Deliver it to the decision-makers").click()
    check_page(page)
    page.get_by_label("Covering message").fill("Before the Budget, please.")
    page.get_by_role("button", name="Deliver it now").click()
    assert "Delivered to 1 decision-makers" in page.locator("main").inner_text()
    [message] = mail.wait_for_to("chancellor@treasury.example")
    assert [a.get_filename() for a in message.iter_attachments()] == [f"{SLUG}-signers.csv"]

    page.get_by_role("link", name="Record a response").click()
    check_page(page)
    page.get_by_label("Who responded").select_option(label="Rachel Reeves")
    page.get_by_label("Their response").fill("The Treasury will review it.")
    page.get_by_role("button", name="Record the response").click()
    check_page(page)
    page.goto(f"/petitions/{SLUG}")
    assert "The Treasury will review it." in page.locator("main").inner_text()
    check_page(page)


def test_the_embed_widget_at_300_px(demo, new_page, rq_worker, mail):
    _add_petition(demo)
    page = new_page(width=300, height=700)
    page.goto(f"/petitions/{SLUG}/embed?source=equality-trust")
    check_page(page)
    page.get_by_role("button", name="Sign").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    check_page(page)
    page.get_by_label("Your name").fill("Grace Hughes")
    page.get_by_label("E-mail address").fill("grace@example.org")
    page.get_by_role("button", name="Sign").click()
    assert "check your e-mail" in page.get_by_role("heading", level=1).inner_text().lower()
    check_page(page)
    [message] = mail.wait_for_to("grace@example.org")
    assert path_of(links_in(message)[0]).startswith(f"/petitions/{SLUG}/confirm/")
