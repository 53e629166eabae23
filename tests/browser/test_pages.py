"""The pages people use most, in a real browser on a phone-sized screen, checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organiser.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page
from tests.helpers import links_in, path_of

pytestmark = pytest.mark.browser


def test_public_pages_are_accessible_on_a_small_screen(demo, new_page):
    page = new_page()
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Coalitions")
    check_page(page)
    page.get_by_role("link", name="Fight Inequality Alliance Zambia").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fight Inequality Alliance Zambia"
    check_page(page)
    page.goto("/coalitions/structural-inequalities-alliance")
    assert page.get_by_text("Ensure fairness to each generation.").is_visible()
    check_page(page)
    page.goto("/no-such-page")
    check_page(page)


def test_sign_in_errors_are_announced_and_tied_to_fields(demo, new_page):
    page = new_page()
    page.goto("/account/sign-in")
    check_page(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the answer page to load
    summary = page.get_by_role("alert")
    assert "Enter your e-mail address" in summary.inner_text()
    email = page.get_by_label("E-mail address")
    assert email.get_attribute("aria-invalid") == "true"
    assert email.get_attribute("aria-describedby") == "email-error"
    check_page(page)
    summary.get_by_role("link", name="Enter your e-mail address").click()
    assert page.evaluate("document.activeElement.id") == "email"


def test_skip_link_and_keyboard_focus(demo, new_page):
    page = new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    style = page.evaluate("(s => [s.outlineStyle, s.boxShadow])(getComputedStyle(document.activeElement))")
    assert style != ["none", "none"], "the focused link must show it has focus"


def test_spanish_pages_are_accessible_too(demo, new_page):
    page = new_page()
    page.goto("/account/sign-in?lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Iniciar sesión"
    check_page(page)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "es", "the choice is remembered"


def test_invited_coordinator_joins_through_the_browser(demo, new_page, rq_worker, mail):
    coordinator = new_page()
    coordinator.goto("/account/sign-in")
    coordinator.get_by_label("E-mail address").fill("zambia.coordinator@example.org")
    coordinator.get_by_label("Password").fill(DEMO_PASSWORD)
    coordinator.get_by_role("button", name="Sign in").click()
    assert coordinator.get_by_role("heading", level=1).inner_text() == "Your account"
    check_page(coordinator)
    coordinator.get_by_role("link", name="Team").click()
    check_page(coordinator)
    coordinator.get_by_label("Their e-mail address").fill("bwalya@example.org")
    coordinator.get_by_role("button", name="Send the invitation").click()
    assert coordinator.get_by_role("status").inner_text() == "Invitation sent to bwalya@example.org."

    [message] = mail.wait_for_to("bwalya@example.org")
    [link] = links_in(message)

    invitee = new_page()
    invitee.goto(path_of(link))
    check_page(invitee)
    invitee.get_by_label("Your name").fill("Bwalya Mulenga")
    invitee.get_by_label("New password").fill("mosi oa tunya falls")
    invitee.get_by_label("Type the password again").fill("mosi oa tunya falls")
    invitee.get_by_role("button", name="Accept the invitation").click()
    assert "Welcome" in invitee.get_by_role("status").inner_text()
    invitee.get_by_label("E-mail address").fill("bwalya@example.org")
    invitee.get_by_label("Password").fill("mosi oa tunya falls")
    invitee.get_by_role("button", name="Sign in").click()
    invitee.get_by_role("link", name="Team").click()
    expect(invitee.get_by_text("Bwalya Mulenga")).to_be_visible()


def test_administration_page_is_accessible(demo, new_page):
    page = new_page(1280, 900)
    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("admin@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Administration").click()
    assert re.search("zambia.coordinator@example.org", page.content())
    check_page(page)
    page.set_viewport_size({"width": 360, "height": 740})
    check_page(page)
