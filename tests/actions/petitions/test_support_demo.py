"""The demo shows where support comes from: the Zambian farmers' petition on FIA Zambia's map of
the ten provinces, the SIA petition on its (schematic) constituencies."""

from __future__ import annotations

import re

import pytest

from tests.helpers import text_of


@pytest.fixture
def seeded(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "Demo data seeded" in result.output, result.output
    return client


def test_the_demo_petitions_show_their_support_by_area_on_a_map(seeded):
    for slug, areas, first in (
        ("smallholder-subsidies", 10, "Copperbelt Province: 2 signatures (25.0%)"),
        ("essentials-guarantee", 6, "Bristol Central: 2 signatures (18.2%)"),
    ):
        html = seeded.get(f"/petitions/{slug}").get_data(as_text=True)
        svg = html[html.index('id="support-map-title"') :]
        titles = re.findall(
            r"<path d=\"[^\"]+\" fill=\"#[0-9a-f]{6}\"><title>([^<]+)</title>", svg[: svg.index("</svg>")]
        )
        assert len(titles) == areas and first in titles, titles
        assert "Where support comes from" in text_of(seeded.get(f"/petitions/{slug}"))
    assert seeded.get("/petitions/essentials-guarantee/support.json").json["by_area"][0] == {
        "code": "LEEDS-CENTRAL-HEADINGLEY",
        "name": "Leeds Central and Headingley",
        "count": 3,
    }
