"""Where support comes from, on a phone-sized screen: the demo's Zambian petition with its map of the
provinces, its chart and the table opened; a coordinator's map page refusing a bad file next to the
field, then taking a good one. Every page passes axe and fits 360 px."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from organiser.actions.targets.boundaries.demo import PROVINCES, _geojson
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def test_the_support_section_and_the_map_page_in_a_real_browser(demo, new_page, tmp_path):
    page = new_page()
    page.goto("/petitions/smallholder-subsidies")
    section = page.locator("#support")
    expect(section.get_by_role("heading", name="Where support comes from")).to_be_visible()
    expect(section.get_by_role("img", name=re.compile("^Map of signatures by area"))).to_be_visible()
    expect(section.get_by_role("img", name=re.compile(r"^Signatures by area \d"))).to_be_visible()
    assert section.locator("svg path").count() == 10
    section.get_by_text("Signatures in each of 4 areas, as a table").click()
    lusaka = section.get_by_role("row", name=re.compile("^Lusaka Province"))
    expect(lusaka.get_by_role("cell")).to_have_text(["Lusaka Province", "2", "25.0%"])
    check_page(page)

    page.goto("/account/sign-in")
    page.get_by_label("E-mail address").fill("zambia.coordinator@example.org")
    page.get_by_label("Password").fill("organiser-demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/coalitions/fia-zm/areas")
    page.get_by_role("link", name="Map of your areas").click()
    expect(page.get_by_role("img", name=re.compile("^The map's areas"))).to_be_visible()
    check_page(page)

    bad = tmp_path / "provinces.geojson"
    bad.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]})
    )
    page.get_by_label("GeoJSON file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and save the map").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.locator(".field-error")).to_contain_text("Feature 1: it has no “code” property")
    check_page(page)

    good = tmp_path / "good.geojson"
    good.write_bytes(_geojson(PROVINCES))
    page.get_by_label("GeoJSON file").set_input_files(str(good))
    page.get_by_role("button", name="Check and save the map").click()
    expect(page.get_by_text("The map is saved: 10 areas.")).to_be_visible()
    expect(page.get_by_text("Every area of your lookup table is on the map.")).to_be_visible()
    check_page(page)
