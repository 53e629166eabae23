"""The desk page, as coordinators use it: an alliance's with its chapters side by side, a chapter's
for its own coordinators only, the period chosen on a GET form whose mistakes are answered next to
the field, and never kept by a cache."""

from __future__ import annotations

import re

from tests.factories import PASSWORD
from tests.helpers import sign_in, text_of

MARCH = "period=dates&start=2025-03-10&end=2025-03-12&zone=Africa%2FLusaka"


def _as(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def test_the_alliance_desk_shows_each_chapters_figures_side_by_side(app, world):
    response = _as(app, world.emails["alliance"]).get(f"/coalitions/fia/desk?{MARCH}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    page = text_of(response)
    assert "From March 10, 2025 to March 12, 2025 (days in Africa/Lusaka), against the 3 days before." in page
    columns = "All of Fight Inequality Alliance Fight Inequality Alliance's own actions FIA Mexico FIA Zambia"
    assert f"Figure {columns}" in page
    # each column: this period, and (the period before); a chapter's new supporters are those who
    # acted there on the day they joined (Chipo joined through Zambia, and signed in Mexico the next day)
    assert "New supporters 6 (1) 1 (0) 0 (0) 4 (1)" in page
    assert "Signatures 5 (1) 1 (0) 1 (0) 3 (1)" in page
    assert "Letters 1 (0) 0 (0) 0 (0) 1 (0)" in page
    assert "Registrations 1 (0) 0 (0) 0 (0) 1 (0)" in page
    assert "Mail sent 2 (0) 0 (0) 0 (0) 2 (0)" in page
    html = response.get_data(as_text=True)
    chapter_link = re.search(r'<a href="([^"]+)">FIA Zambia</a>', html)[1].replace("&amp;", "&")
    assert chapter_link.startswith("/coalitions/fia-zambia/desk?") and "start=2025-03-10" in chapter_link
    odd = _as(app, world.emails["alliance"]).get(f"/coalitions/fia/desk?{MARCH}&_anchor=x&_external=1&slug=s")
    links = re.findall(r'href="([^"]*/coalitions/fia-zambia/desk[^"]*)"', odd.get_data(as_text=True))
    assert links and all(link.startswith("/coalitions/fia-zambia/desk?period=dates") for link in links)
    assert not any("#" in link or "slug" in link for link in links), "only the form's fields are carried"
    for chart in ("lines-chart", "mail-chart", "chapters-chart", "actions-chart", "sources-chart"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html, chart
    assert "Signatures, letters and registrations by chapter" in page
    assert "March news" in page and "1 (50.0%)" in page and "2 (66.7%)" in page


def test_at_a_glance_compares_with_the_period_before(app, world):
    page = text_of(_as(app, world.emails["zambia"]).get(f"/coalitions/fia-zambia/desk?{MARCH}"))
    assert "Signatures 3 1 +2 (+200%)" in page
    assert "Letters 1 0 +1 (new)" in page
    assert "Chapters side by side" not in page, "a chapter has no chapters"
    assert "Land for those who farm it" in page and "zla Zambia Land Alliance 2" in page


def test_a_chapter_coordinator_sees_their_chapter_and_nothing_above_or_beside_it(app, world):
    zambia = _as(app, world.emails["zambia"])
    assert zambia.get(f"/coalitions/fia-zambia/desk?{MARCH}").status_code == 200
    assert zambia.get(f"/coalitions/fia/desk?{MARCH}").status_code == 403
    assert zambia.get("/coalitions/fia-mexico/desk").status_code == 403
    alliance = _as(app, world.emails["alliance"])
    assert alliance.get("/coalitions/fia-mexico/desk").status_code == 200, "the alliance's see its chapters'"
    anonymous = app.test_client().get("/coalitions/fia/desk")
    assert anonymous.status_code == 302 and "/account/sign-in" in anonymous.headers["Location"]
    assert app.test_client().get("/coalitions/nowhere/desk").status_code in (302, 404)


def test_the_desk_is_linked_from_the_coalitions_page_and_the_account(app, world):
    zambia = _as(app, world.emails["zambia"])
    assert 'href="/coalitions/fia-zambia/desk"' in zambia.get("/coalitions/fia-zambia").get_data(as_text=True)
    assert 'href="/coalitions/fia-zambia/desk"' in zambia.get("/account").get_data(as_text=True)
    assert "/desk" not in app.test_client().get("/coalitions/fia-zambia").get_data(as_text=True)


def test_by_default_the_last_30_days_day_by_day_in_the_coalitions_country(app, world):
    client = _as(app, world.emails["zambia"])
    page = text_of(client.get("/coalitions/fia-zambia/desk"))
    assert "(days in Africa/Lusaka), against the 30 days before." in page and "Day by day" in page
    quarter = client.get("/coalitions/fia-zambia/desk?period=90")
    assert "Week by week" in text_of(quarter), "longer periods are shown by week unless days are asked for"
    assert "Day by day" in text_of(client.get("/coalitions/fia-zambia/desk?period=90&by=day"))
    alliance = text_of(_as(app, world.emails["alliance"]).get("/coalitions/fia/desk?period=7"))
    assert "(days in UTC), against the 7 days before." in alliance, "an alliance with no country: UTC"


def test_mistakes_in_the_period_are_answered_next_to_the_field(app, world):
    client = _as(app, world.emails["zambia"])
    for query, message in (
        ("period=dates&start=2025-02-30&end=2025-03-12", "Enter a real date, like 2027-03-31"),
        ("period=dates&start=&end=2025-03-12", "Enter the first day"),
        ("period=dates&start=2025-03-10", "Enter the last day"),
        ("period=dates&start=2025-03-10&end=2025-03-01", "Choose a last day on or after the first"),
        ("period=dates&start=2024-01-01&end=2025-03-01", "Choose at most 366 days"),
        ("period=dates&start=2025-03-10&end=2099-03-01", "Choose today or an earlier date"),
        ("period=dates&start=1999-03-10&end=2025-03-01", "Enter a year from 2000 to 2099"),
        ("period=365", "Not a valid choice"),
        ("zone=Mars%2FOlympus_Mons", "Choose a time zone from the list"),
        ("by=month", "Not a valid choice"),
    ):
        response = client.get(f"/coalitions/fia-zambia/desk?{query}")
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        assert '<p class="error-message"' in html and message in html, query
        assert "<title>Error:" in html and "error-summary" in html, query
        assert "At a glance" not in text_of(response), "no figures for a period that cannot be read"
