"""Searching actions, coalitions and assemblies from the home page: PostgreSQL's full-text search
through its GIN indexes (a coalition in its own language), LIKE on SQLite; paginated, filtered, and
bad input answered next to the field."""

from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from organiser.actions import listings as action_listings
from organiser.actions.letters.models import LetterCampaign
from organiser.actions.petitions.models import Petition
from organiser.assemblies import listings as assembly_listings
from organiser.assemblies.models import Assembly
from organiser.coalitions import search as coalition_search
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.web import search
from tests.factories import PetitionFactory
from tests.helpers import text_of


def _results(client, query: str) -> str:
    response = client.get(f"/search?{query}")
    assert response.status_code == 200
    return text_of(response)


def test_the_home_page_searches_actions_coalitions_and_assemblies(client, world):
    home = client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="get" action="([^"]+)" role="search"', home)
    assert form and form[1] == "/search" and 'name="q"' in home, "a plain GET form, no JavaScript"
    found = _results(client, "q=smallholder")
    assert "1 result for “smallholder”" in found and "Petition · Fight Inequality Alliance Zambia" in found
    assert "Keep farm subsidies for smallholders" in found
    assert "Community hall, Kabwata" not in found
    assert "Lusaka People's Assembly" in _results(client, "q=kabwata"), "an assembly's venue is searched"
    assert "People's Tribunal on Debt and Public Services" in _results(client, "q=tribunal&kind=assembly")
    assert "Already held" in _results(client, "q=tribunal&kind=assembly")
    assert "Write to the Treasury" in _results(client, "q=treasury")
    coalitions = _results(client, "q=inequality&kind=coalition")
    assert "Coalition Fight Inequality Alliance" in coalitions and "Keep farm" not in coalitions
    assert "Structural Inequalities Alliance" in _results(client, "q=Structural")
    assert "0 results for “capital gains”" in _results(client, "q=capital+gains"), "drafts are never found"


def test_a_search_finds_a_coalition_in_its_own_language(app, client, world):
    spanish = _results(client, "q=movimiento")  # the description says "movimientos"
    assert "Fight Inequality Alliance Mexico" in spanish
    with app.app_context():
        on_postgresql = search.is_postgresql(db.session)
    if on_postgresql:  # English stemming for an English-speaking coalition; LIKE on SQLite has none
        assert "Fight Inequality Alliance" in _results(client, "q=alliances&kind=coalition")


def test_results_are_filtered_by_kind_and_country_and_paginated(app, client, world):
    with app.app_context():
        for n in range(12):
            PetitionFactory(coalition_id=world.zambia, title=f"Debt petition {n:02d}", ask="Cancel the debt.")
        db.session.commit()
    first = client.get("/search?q=debt&country=ZM")
    page = text_of(first)
    assert "14 results for “debt”" in page and "Page 1 of 2" in page
    following = re.search(r'href="([^"]+)" rel="next"', first.get_data(as_text=True))[1].replace("&amp;", "&")
    assert "q=debt" in following and "country=ZM" in following and "page=2" in following
    assert "Page 2 of 2" in text_of(client.get(following))
    assert "12 results" in _results(client, "q=debt&kind=petition")
    assert "0 results" in _results(client, "q=debt&country=GB")
    assert "14 results" in _results(client, "q=debt&kind=nonsense&country=XX"), "unknown choices are ignored"


def test_without_words_the_page_lists_every_open_action_most_active_first(client, world):
    page = _results(client, "")
    assert "6 open actions" in page
    assert page.index("Introduce an essentials guarantee") < page.index("Keep farm subsidies"), (
        "two signatures this week come before none"
    )
    assert "Equalise capital gains tax" not in page and "Fund a new generation of social homes" not in page


def test_bad_input_is_answered_next_to_the_field(client, world):
    long = client.get("/search?q=" + "x" * 201)
    page = text_of(long)
    assert long.status_code == 200 and page.startswith("Error:")
    assert "There is a problem Use at most 200 characters" in page
    assert 'aria-invalid="true"' in long.get_data(as_text=True)
    assert "results" not in page
    controls = client.get("/search?q=smallholder%00%1b")
    assert controls.status_code == 200 and "1 result for “smallholder”" in text_of(controls)
    for odd in ("%22", "-", "or", "%22%22", "!%3A*", "a%26b", "%5C", "%25", "_"):
        assert client.get(f"/search?q={odd}").status_code == 200, odd


def test_search_pages_are_cacheable(client, world):
    response = client.get("/search?q=debt")
    assert response.headers["Cache-Control"].startswith("public") and "Set-Cookie" not in response.headers


SEARCHED = (
    ("ix_petitions_fts", Petition, action_listings.PETITION_TEXT, None),
    ("ix_letter_campaigns_fts", LetterCampaign, action_listings.CAMPAIGN_TEXT, None),
    ("ix_assemblies_fts", Assembly, assembly_listings.ASSEMBLY_TEXT, None),
    ("ix_coalitions_fts", Coalition, coalition_search.COALITION_TEXT, coalition_search.config),
)


def test_postgresql_searches_through_the_full_text_indexes(app, world):
    """The migration's index expressions and the queries' are the same: the planner uses the indexes
    (a sequential scan is made as dear as it gets, so any usable index is used). SQLite uses LIKE."""
    with app.app_context():
        if not search.is_postgresql(db.session):
            found, _rank = search.matches(db.session, "debt", *action_listings.PETITION_TEXT)
            assert "LIKE" in str(found.compile())
            return
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        for index, model, columns, config in SEARCHED:
            found, _rank = search.matches(db.session, "debt", *columns, config=config() if config else None)
            query = select(model.id).where(found)
            sql = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            plan = "\n".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
            assert index in plan, plan
