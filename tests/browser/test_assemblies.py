"""Someone registers for the demo Lusaka assembly on a phone-sized screen (answering the organisers'
questions and ticking access needs), confirms through the e-mailed link, and sees their own
registration page; an organiser sets up the form's questions, a speaker and the closing report.
axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from organiser.assemblies.models import Assembly, RegistrationQuestion
from organiser.db import db
from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser


def test_register_and_confirm_in_a_real_browser(demo, new_page, rq_worker, mail):
    with demo.app_context():
        assembly = db.session.scalar(select(Assembly).where(Assembly.slug == "lusaka-peoples-assembly"))
        assembly.capacity = 5  # one place left for this test (the demo's four are taken)
        db.session.add_all(
            [
                RegistrationQuestion(
                    assembly_id=assembly.id,
                    position=1,
                    kind="one_choice",
                    label="What is your work?",
                    required=True,
                    choices=["Farmer", "Nurse", "Trader"],
                ),
                RegistrationQuestion(
                    assembly_id=assembly.id,
                    position=2,
                    kind="several_choices",
                    label="Which sessions?",
                    choices=["Land", "Health"],
                ),
                RegistrationQuestion(
                    assembly_id=assembly.id,
                    position=3,
                    kind="yes_no",
                    label="Will you testify?",
                    required=True,
                ),
            ]
        )
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
    assert "Choose an answer" in page.locator("main").inner_text(), "required questions say so"
    page.get_by_label("Interpretation: into which language?").fill("Nyanja")
    page.get_by_label("Step-free access").check()
    page.get_by_label("Anything else you need").fill("A quiet room")
    page.get_by_label("Nurse").check()
    page.get_by_label("Health").check()
    page.get_by_role("group", name="Will you testify?").get_by_label("Yes").check()
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
    assert "Interpretation: Nyanja" in main and "What is your work?\tNurse" in main or "Nurse" in main
    check_page(page)


def test_an_organiser_sets_up_questions_speakers_and_the_closing_report(demo, new_page):
    page = new_page()
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("zambia.coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/assemblies/lusaka-peoples-assembly/registrations")
    assert "Access needs to plan for" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("link", name="Questions on the registration form").click()
    check_page(page)
    page.get_by_label("Question", exact=True).fill("Which organisation are you from?")
    page.get_by_label("People must answer it").check()
    page.get_by_role("button", name="Add the question").click()
    assert "Which organisation are you from?" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("link", name="Change Which organisation are you from?").click()
    check_page(page)

    page.goto("/assemblies/lusaka-peoples-assembly/agenda")
    page.get_by_role("button", name="Add the speaker").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    page.get_by_label("Name").fill("Grace Mwanza")
    page.get_by_label("Organisation").fill("Lusaka Nurses' Union")
    page.get_by_role("button", name="Add the speaker").click()
    assert "Grace Mwanza" in page.locator("main").inner_text()
    check_page(page)

    page.goto("/assemblies/lusaka-peoples-assembly/report")
    check_page(page)
    page.get_by_label("Summary").fill("Nurses, traders and farmers set the demands.")
    page.get_by_label("In the media").fill("not a link")
    page.get_by_role("button", name="Save the report").click()
    expect(page).to_have_title(re.compile("^Error:"))
    check_page(page)
    page.get_by_label("In the media").fill("Radio Phoenix https://radio.example/assembly")
    page.get_by_label("Publish it on the assembly's page").check()
    page.get_by_role("button", name="Save the report").click()
    page.goto("/assemblies/lusaka-peoples-assembly")
    main = page.locator("main").inner_text()
    assert "Closing report" in main and "Grace Mwanza" in main and "Radio Phoenix" in main
    check_page(page)
