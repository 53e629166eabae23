"""A witness gives a testimony on a phone-sized screen and confirms it through the e-mailed link; a
visitor reads a tribunal's page with its published judgment. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.assemblies.models import AssemblyKind
from organiser.assemblies.tribunals import models as tm
from organiser.db import db, utcnow
from tests.browser.conftest import check_page
from tests.factories import AssemblyFactory, CoalitionFactory
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser

PAGE = "/assemblies/debt-tribunal"


def _tribunal(live, *, judged: bool) -> None:
    """FIA Zambia's tribunal: two charges, an anonymous approved testimony, a panel; and, if
    ``judged``, the panel's verdicts published."""
    with live.app_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", country="ZM")
        tribunal = AssemblyFactory(
            coalition_id=zambia.id,
            kind=AssemblyKind.TRIBUNAL,
            title="People's Tribunal on Debt and Public Services",
            slug="debt-tribunal",
        )
        health = tm.Charge(
            assembly_id=tribunal.id,
            position=1,
            title="Cutting health spending to repay foreign debt",
            accused="The Government of Zambia",
            at_stake="The right to health",
        )
        austerity = tm.Charge(
            assembly_id=tribunal.id, position=2, title="Austerity as a loan condition", accused="The IMF"
        )
        testimony = tm.Testimony(
            assembly_id=tribunal.id,
            charge=health,
            name="Hidden Witness",
            email="hidden@example.org",
            account="The clinic in Kanyama had no medicines for three months.",
            publication=tm.Publication.ANONYMOUS,
            status=tm.TestimonyStatus.APPROVED,
        )
        panel = [
            tm.PanelMember(
                assembly_id=tribunal.id, position=1, name="Judge Mumba", role="chair", bio="Retired."
            ),
            tm.PanelMember(assembly_id=tribunal.id, position=2, name="Prof. Lungu", role="rapporteur"),
        ]
        db.session.add_all([health, austerity, testimony, *panel])
        db.session.flush()
        if judged:
            db.session.add_all(
                [
                    tm.Verdict(
                        charge_id=health.id, finding=tm.Finding.UPHELD, reasoning="Clinics went empty."
                    ),
                    tm.Verdict(
                        charge_id=austerity.id, finding=tm.Finding.PARTLY_UPHELD, reasoning="In part."
                    ),
                    tm.Judgment(
                        assembly_id=tribunal.id, summary="The debt is odious.", published_at=utcnow()
                    ),
                ]
            )
        db.session.commit()


def test_the_tribunal_page_with_its_published_judgment(live, new_page):
    _tribunal(live, judged=True)
    page = new_page()
    page.goto(PAGE)
    main = page.locator("main").inner_text()
    assert "The judgment" in main and "The debt is odious." in main
    assert "The panel's finding: Upheld" in main and "The panel's finding: Partly upheld" in main
    assert "An anonymous witness" in main and "Hidden Witness" not in main
    assert "Judge Mumba" in main
    check_page(page)


def test_give_a_testimony_and_confirm_it_in_a_real_browser(live, new_page, rq_worker, mail):
    _tribunal(live, judged=False)
    page = new_page()
    page.goto(PAGE)
    check_page(page)
    page.get_by_role("link", name="Give your testimony").click()
    check_page(page)
    page.get_by_role("button", name="Send my testimony").click()
    expect(page).to_have_title(re.compile("^Error:"))
    assert "Write your testimony" in page.locator("main").inner_text()
    check_page(page)

    page.get_by_label("The charge your testimony is about").select_option(
        label="Austerity as a loan condition"
    )
    page.get_by_label("I live what this is about").check()
    page.get_by_label("Your testimony", exact=True).fill("Our school lost its teachers when the loan came.")
    page.get_by_label("Under another name I choose").check()
    page.get_by_label("The name to show instead of yours").fill("A teacher in Mansa")
    page.get_by_label("Your name", exact=True).fill("Grace Mwila")
    page.get_by_label("E-mail address").fill("grace@example.org")
    page.get_by_role("button", name="Send my testimony").click()
    assert "check your e-mail" in page.get_by_role("heading", level=1).inner_text().lower()
    check_page(page)

    [message] = mail.wait_for_to("grace@example.org")
    [link] = [url for url in links_in(message) if "/testimony/confirm/" in url]
    page.goto(path_of(link))
    check_page(page)
    page.get_by_role("button", name="Confirm my testimony").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your testimony"
    assert "Waiting for the organisers" in page.locator("main").inner_text()
    check_page(page)
