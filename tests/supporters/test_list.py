"""The supporters list through its pages: who each viewer sees, the filters, sorting and counts, and
filters that are not valid (answered next to the field, never widened to everyone)."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.helpers import text_of
from tests.supporters.pages import listed

NAMES = ("Chipo Mwale", "Bwalya Phiri", "Mutale Banda", "Lupita Tembo", "María López", "Ana Silva")


def test_the_alliance_sees_its_whole_tree_and_a_chapter_only_its_own(tree, as_user):
    alliance = as_user("alliance").get("/coalitions/fia/supporters")
    assert alliance.status_code == 200
    assert alliance.headers["Cache-Control"] == "private, no-store"
    assert sorted(listed(alliance)) == sorted(NAMES)
    assert "6 people" in text_of(alliance)
    # Zambia: those who acted in its actions (a confirmed signature, a letter, a registration) or whose
    # consent to it is on record. Mutale's signature was never confirmed; Ana agreed to FIA only.
    zambia = as_user("zambia").get("/coalitions/fia-zambia/supporters")
    assert sorted(listed(zambia)) == ["Bwalya Phiri", "Chipo Mwale", "Lupita Tembo"]
    assert sorted(listed(as_user("mexico").get("/coalitions/fia-mexico/supporters"))) == ["María López"]
    # The alliance's coordinators see a chapter as its coordinators do.
    assert sorted(listed(as_user("alliance").get("/coalitions/fia-zambia/supporters"))) == sorted(
        listed(zambia)
    )


def test_a_chapter_cannot_see_the_alliance_nor_a_sibling(tree, as_user):
    zambia = as_user("zambia")
    assert zambia.get("/coalitions/fia/supporters").status_code == 403
    assert zambia.get("/coalitions/fia-mexico/supporters").status_code == 403
    maria = tree.people["María López"]
    assert zambia.get(f"/coalitions/fia-zambia/supporters/{maria}").status_code == 404
    assert as_user("mexico").get(f"/coalitions/fia-mexico/supporters/{maria}").status_code == 200


def _filtered(client, slug: str, **filters: str):
    return client.get(f"/coalitions/{slug}/supporters?{urlencode(filters)}")


def test_filters_by_action_consent_country_region_language_and_dates(tree, as_user):
    alliance = as_user("alliance")
    signed = _filtered(alliance, "fia", action=f"petition:{tree.petition}")
    assert sorted(listed(signed)) == ["Chipo Mwale", "Lupita Tembo"]
    assert "2 people match" in text_of(signed)
    assert listed(_filtered(alliance, "fia", action="letters")) == ["Chipo Mwale"]
    assert listed(_filtered(alliance, "fia", action=f"assembly:{tree.assembly}")) == ["Bwalya Phiri"]
    assert sorted(listed(_filtered(alliance, "fia", action="petition"))) == [
        "Chipo Mwale",
        "Lupita Tembo",
        "María López",
    ]
    # Consent today: Lupita withdrew hers to ZLA.
    assert listed(_filtered(alliance, "fia", consent=f"organisation:{tree.zla}")) == ["Chipo Mwale"]
    both = _filtered(alliance, "fia", action=f"petition:{tree.petition}", consent=f"coalition:{tree.zambia}")
    assert listed(both) == ["Chipo Mwale"] and "1 person matches" in text_of(both)
    assert listed(_filtered(alliance, "fia", country="MX")) == ["María López"]
    assert sorted(listed(_filtered(alliance, "fia", region="lusa"))) == ["Chipo Mwale", "Mutale Banda"]
    assert listed(_filtered(alliance, "fia", language="bem")) == ["Bwalya Phiri"]
    assert sorted(listed(_filtered(alliance, "fia", q="EXAMPLE.ORG"))) == sorted(NAMES)
    assert listed(_filtered(alliance, "fia", q="mwale")) == ["Chipo Mwale"]
    assert listed(_filtered(alliance, "fia", joined_from="2000-01-01", joined_to="2000-12-31")) == []
    assert len(listed(_filtered(alliance, "fia", joined_from="2000-01-01"))) == 6
    # Active in the last 30 days: everyone joined just now; the registration 40 days ago does not count alone.
    assert len(listed(_filtered(alliance, "fia", active_days="30"))) == 6


def test_active_lately_counts_actions_not_only_joining(app, tree, as_user):
    from datetime import timedelta

    from sqlalchemy import update

    from organiser.db import db, utcnow
    from organiser.people.models import Person

    with app.app_context():
        db.session.execute(update(Person).values(created_at=utcnow() - timedelta(days=100)))
        db.session.commit()
    active = _filtered(as_user("alliance"), "fia", active_days="7")
    assert sorted(listed(active)) == ["Chipo Mwale", "Lupita Tembo", "María López"]  # signed 3 days ago
    recently = _filtered(as_user("alliance"), "fia", active_days="60", sort="active")
    assert listed(recently)[-1] == "Bwalya Phiri"  # registered 40 days ago: the least recent


def test_sorting_and_the_pages(tree, as_user):
    alliance = as_user("alliance")
    assert listed(_filtered(alliance, "fia", sort="name")) == sorted(NAMES, key=str.lower)
    newest = listed(_filtered(alliance, "fia"))
    assert listed(_filtered(alliance, "fia", sort="oldest")) == newest[::-1]
    assert listed(_filtered(alliance, "fia", page="99")) == newest  # past the end: the last page


def test_filters_that_are_not_valid_are_answered_next_to_their_field(tree, as_user):
    alliance = as_user("alliance")
    for filters in (
        {"action": "petition:999999"},
        {"consent": "organisation:1x"},
        {"country": "XX"},
        {"tag": "12"},
        {"joined_from": "2027-02-30"},
        {"joined_from": "2027-03-02", "joined_to": "2027-03-01"},
        {"active_days": "0"},
        {"active_days": "many"},
        {"sort": "email"},
        {"q": "x" * 201},
    ):
        page = _filtered(alliance, "fia", **filters)
        assert page.status_code == 200, filters
        body = page.get_data(as_text=True)
        assert "error-summary" in body and "<title>Error:" in body, filters
        assert listed(page) == [] and "Tag everyone" not in body, filters
