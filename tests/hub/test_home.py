"""The home page features open actions from every coalition, the most active this week first."""

from __future__ import annotations

from sqlalchemy import Select, select

from organiser.actions.petitions.models import Petition
from organiser.db import db
from tests.factories import PetitionFactory
from tests.helpers import text_of
from tests.hub.conftest import in_order, signed


def test_the_home_page_features_the_actions_most_active_this_week(app, client, world):
    with app.app_context():
        signed(db.session.scalar(_petition("smallholder-subsidies")), 5, days_ago=2)
        signed(db.session.scalar(_petition("smallholder-subsidies")), 40, days_ago=8)  # last week's
        db.session.commit()
    page = text_of(client.get("/"))
    assert in_order(
        page,
        "Open now, most active this week",
        "Keep farm subsidies for smallholders",  # 5 signatures this week
        "Leeds People's Assembly on the Cost of Living",  # 2 registrations, published today
        "Introduce an essentials guarantee",  # 2 signatures
        "Write to the Treasury",  # 1 letter
        "Every open action",
        "Structural Inequalities Alliance",  # the coalitions come after
    )
    assert "Petition · Fight Inequality Alliance Zambia · Zambia" in page, "each names its coalition"
    assert "5 signatures this week" in page


def test_the_home_page_features_six_and_links_to_the_rest(app, client, world):
    with app.app_context():
        for n in range(4):
            PetitionFactory(coalition_id=world.sia, title=f"Another open petition {n}")
        db.session.commit()
    response = client.get("/")
    page = text_of(response)
    featured = page.split("Open now, most active this week", 1)[1].split("Every open action", 1)[0]
    kinds = ("Petition ·", "Letter campaign ·", "Assembly ·")
    assert sum(featured.count(kind) for kind in kinds) == 6
    assert 'href="/search"' in response.get_data(as_text=True)
    assert "10 open actions" in text_of(client.get("/search"))
    assert response.headers["Cache-Control"].startswith("public") and "Set-Cookie" not in response.headers


def _petition(slug: str) -> Select:
    return select(Petition.id).where(Petition.slug == slug)


def test_the_weeks_activity_is_counted_once_a_minute_when_public_pages_are_kept(
    app, client, world, config_override, request
):
    from organiser.actions.petitions.views.public import forget_remembered_pages
    from organiser.hub.listing import forget_activity

    request.addfinalizer(forget_remembered_pages)
    request.addfinalizer(forget_activity)
    config_override(PUBLIC_MICROCACHE_SECONDS=1)
    assert "2 signatures this week" in text_of(client.get("/coalitions/sia"))
    with app.app_context():
        signed(db.session.scalar(_petition("essentials-guarantee")), 3, days_ago=0)
        db.session.commit()
    later = text_of(client.get("/coalitions/sia?again"))
    assert "2 signatures this week" in later, "the order of the lists is kept for a minute"
    config_override(PUBLIC_MICROCACHE_SECONDS=0)
    assert "5 signatures this week" in text_of(client.get("/coalitions/sia")), "off: counted every time"
