"""A visitor on the demo, following the links a page shows: from the home page, through the
Structural Inequalities Alliance's page, to an open petition, a letter campaign and an assembly,
each in two clicks; the Fight Inequality Alliance's page lists its Zambian chapter's actions."""

from __future__ import annotations

import re
from html import unescape

import pytest
from werkzeug.test import TestResponse

from tests.helpers import text_of

_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.S)


def links(response: TestResponse) -> list[tuple[str, str]]:
    """(address, visible text) of every link on the page."""
    html = response.get_data(as_text=True)
    return [
        (unescape(href), " ".join(re.sub(r"<[^>]+>", " ", text).split()))
        for href, text in _LINK.findall(html)
    ]


def click(client, response: TestResponse, text: str) -> TestResponse:
    """Follow the link whose text is ``text``."""
    [href] = [href for href, shown in links(response) if shown == text]
    followed = client.get(href)
    assert followed.status_code == 200, href
    return followed


def section(response: TestResponse, title: str) -> str:
    """The HTML of a page's section whose heading is ``title``."""
    html = response.get_data(as_text=True)
    start = html.index(f">{title}</h2>")
    return html[start : html.index("</section>", start)]


@pytest.fixture
def demo(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "Demo data seeded" in result.output, result.output
    return client


def test_from_the_home_page_to_each_kind_of_action_in_two_clicks(demo):
    home = demo.get("/")
    sia = click(demo, home, "Structural Inequalities Alliance")  # one click
    assert text_of(sia).startswith("Structural Inequalities Alliance")
    actions = section(sia, "Take action")
    found = {}
    for kind, form in (("petitions", "sign"), ("letters", "write"), ("assemblies", "register")):
        href = re.search(rf'href="(/{kind}/[a-z0-9-]+)"', actions)[1]
        page = demo.get(href)  # the second click
        assert page.status_code == 200, href
        assert f'action="{href}/{form}"' in page.get_data(as_text=True), f"{href} takes part now"
        found[kind] = href
    assert found == {
        "petitions": "/petitions/essentials-guarantee",  # the most active this week
        "letters": "/letters/write-essentials-guarantee",
        "assemblies": "/assemblies/leeds-cost-of-living-assembly",
    }
    outcomes = text_of(sia).split("Recent outcomes", 1)[1]
    assert outcomes.startswith(" Petition Fund a new generation of social homes Answered")


def test_the_alliance_page_lists_the_zambian_chapters_actions(demo):
    fia = click(demo, demo.get("/"), "Fight Inequality Alliance")
    actions = section(fia, "Take action")
    zambia = actions[actions.index(">Fight Inequality Alliance Zambia</h3>") :]
    for href in (
        "/petitions/smallholder-subsidies",
        "/petitions/restore-the-health-and-education-budgets",  # the tribunal's demand, launched
        "/assemblies/lusaka-peoples-assembly",
        "/letters/smallholder-subsidies-letter",
    ):
        assert f'href="{href}' in zambia, href
    assert "peoples-tribunal-debt-public-services" not in actions, "a tribunal already held is not open"
    chosen = demo.get("/coalitions/fight-inequality-alliance?actions-chapter=fia-zm")
    assert "Keep farm subsidies for smallholders" in text_of(chosen)


def test_the_home_page_features_the_demos_open_actions(demo):
    page = text_of(demo.get("/"))
    featured = page.split("Open now, most active this week", 1)[1].split("Every open action", 1)[0]
    assert (
        "Introduce an essentials guarantee" in featured and "Keep farm subsidies for smallholders" in featured
    )
    assert "Equalise capital gains tax" not in featured, "a draft"
