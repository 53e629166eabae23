"""A coalition's public page lists its open actions and recent outcomes; an alliance's, its chapters'
too, chapter by chapter; each list filters by kind, chapter and country, and is paginated."""

from __future__ import annotations

import re

from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, PetitionFactory, user_with_role
from tests.helpers import sign_in, text_of
from tests.hub.conftest import in_order


def test_a_coalition_page_lists_its_open_actions_with_their_figures(client, world):
    page = text_of(client.get("/coalitions/sia"))
    assert "Take action" in page
    assert "Petition Introduce an essentials guarantee" in page and "120 signatures of 1,000" in page
    assert "Letter campaign Write to the Treasury" in page and "56 letters sent" in page
    assert "Assembly Leeds People's Assembly on the Cost of Living" in page and "58 places left" in page
    assert "(Europe/London)" in page, "an assembly's time is shown with its zone"
    assert "2 signatures this week" in page and "1 letter this week" in page
    for hidden in ("Equalise capital gains tax", "Keep the pension triple lock", "Last year's assembly"):
        assert hidden not in page, "drafts, closed petitions and past assemblies are not open actions"


def test_recent_outcomes_show_what_was_delivered_and_answered(client, world):
    page = text_of(client.get("/coalitions/sia"))
    assert in_order(page, "Recent outcomes", "Fund a new generation of social homes", "Answered")
    answer = "The Budget will set out our plans for social homes. — Office of the Chancellor, Chancellor"
    assert answer in page
    assert "2,140 signatures" in page


def test_an_alliance_page_lists_its_chapters_actions_chapter_by_chapter(client, world):
    response = client.get("/coalitions/fia")
    page, html = text_of(response), response.get_data(as_text=True)
    assert in_order(
        page,
        "Take action",
        "Fight Inequality Alliance Mexico Letter campaign Escribe al Congreso: salario digno",
        "Fight Inequality Alliance Zambia",
        "Keep farm subsidies for smallholders",
        "Recent outcomes",
        "Fight Inequality Alliance Zambia Assembly People's Tribunal on Debt and Public Services Demand won",
    )
    assert "Lusaka People's Assembly on Debt and Public Services" in page
    assert "Restore the health and education budgets" in page and "restored the health allocation" in page
    for href in ("/petitions/smallholder-subsidies", "/assemblies/lusaka-assembly", "/letters/salario"):
        assert f'href="{href}"' in html
    assert "Chapter" in page and "Country" in page, "an alliance's lists filter by chapter and country"
    assert "Chapter" not in text_of(client.get("/coalitions/sia")), "a coalition without chapters: no filter"


def test_the_lists_filter_by_kind_chapter_and_country(client, world):
    petitions = text_of(client.get("/coalitions/fia?actions-kind=petition"))
    assert "Keep farm subsidies" in petitions and "Escribe al Congreso" not in petitions
    assert "Lusaka People's Assembly" not in petitions
    mexico = text_of(client.get("/coalitions/fia?actions-chapter=fia-mx"))
    assert "Escribe al Congreso" in mexico and "Keep farm subsidies" not in mexico
    assert "No outcome matches these filters." in mexico
    zambia = text_of(client.get("/coalitions/fia?actions-country=ZM"))
    assert "Keep farm subsidies" in zambia and "Escribe al Congreso" not in zambia
    nothing = text_of(client.get("/coalitions/fia?actions-kind=letters&actions-chapter=fia-zm"))
    assert "No open action matches these filters." in nothing
    odd = text_of(client.get("/coalitions/fia?actions-kind=no&actions-chapter=nowhere&actions-country=XX"))
    assert "Keep farm subsidies" in odd and "Escribe al Congreso" in odd, "unknown choices are ignored"


def test_the_lists_are_paginated_and_their_links_keep_the_filters(app, client, world):
    with app.app_context():
        for n in range(12):
            PetitionFactory(coalition_id=world.sia, title=f"Local petition number {n:02d}")
        db.session.commit()
    first = client.get("/coalitions/sia?actions-kind=petition")
    page = text_of(first)
    assert "Page 1 of 2" in page and page.count("Local petition number") + 1 == 10, "ten a page"
    following = re.search(r'href="([^"]+)" rel="next"', first.get_data(as_text=True))[1]
    assert "actions-kind=petition" in following and "actions-page=2" in following
    second = text_of(client.get(following.replace("&amp;", "&")))
    assert "Page 2 of 2" in second and second.count("Local petition number") + second.count("essentials") == 3
    assert "Write to the Treasury" not in second, "the filter is kept from page to page"
    assert "Page 2 of 2" in text_of(client.get("/coalitions/sia?actions-kind=petition&actions-page=99999"))


def test_the_page_is_cacheable_for_visitors_and_private_for_coordinators(app, client, world):
    for url in ("/coalitions/sia", "/coalitions/fia?actions-kind=petition"):
        response = client.get(url)
        assert response.headers["Cache-Control"].startswith("public") and "Set-Cookie" not in response.headers
    with app.app_context():
        user_with_role(Role.COALITION_COORDINATOR, world.sia, email="coord@example.org")
        db.session.commit()
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.org", PASSWORD)
    response = coordinator.get("/coalitions/sia")
    assert response.headers["Cache-Control"] == "private, no-store"
