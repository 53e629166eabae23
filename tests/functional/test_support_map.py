"""Where support comes from, as people use it: a coordinator imports the postcode lookup table and
uploads the constituencies' outlines as GeoJSON (a bad file is refused with the reason next to the
field, and nothing is kept); people sign with their postcodes and confirm through the e-mailed link;
the petition page's table, bar chart and map, and support.json, agree, publish no one's details and
stay cacheable."""

from __future__ import annotations

import io
import json
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from organiser.actions.targets.boundaries.models import AreaBoundary, BoundaryMap
from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, user_with_role
from tests.functional.test_csv_imports import Import, confirm, upload
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

SLUG = "essentials-guarantee"
AREAS = Import("/coalitions/sia/areas/import", "postcode,area_code,area_name", lambda key: f"{key},X,X")
TABLE = """postcode,area_code,area_name
LS6,E14001336,Leeds Central and Headingley
LS1,E14001336,Leeds Central and Headingley
BS8,E14001131,Bristol Central
EH6,S14000104,Edinburgh North and Leith
YO1,E14001061,York Central
"""
SIGNERS = [  # name, e-mail, postcode as typed
    ("Aisha Khan", "aisha@example.org", "ls6 1aa"),
    ("Grace Hughes", "grace@example.org", "LS1 4DY"),
    ("Tom Price", "tom@example.org", "LS63HN"),
    ("Mared Jones", "mared@example.org", "BS8 1TH"),
    ("Iain Ross", "iain@example.org", "bs8 2pq"),
    ("Morag Bell", "morag@example.org", "EH6 5AB"),
    ("Dylan Evans", "dylan@example.org", "CF10 1AA"),  # Cardiff: not in the table
    ("Sam Okafor", "sam@example.org", ""),
]
MAP_PAGE = "/coalitions/sia/areas/map"


def _square(lon: float, lat: float, size: float = 0.08) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def _constituency(code: str, name: str, lon: float, lat: float) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"PCON24CD": code, "PCON24NM": name},
        "geometry": {"type": "Polygon", "coordinates": [_square(lon, lat)]},
    }


CONSTITUENCIES = {
    "type": "FeatureCollection",
    "features": [
        _constituency("E14001336", "Leeds Central and Headingley", -1.58, 53.79),
        _constituency("E14001131", "Bristol Central", -2.6, 51.45),
        _constituency("S14000104", "Edinburgh North and Leith", -3.19, 55.96),
        _constituency("E14001061", "York Central", -1.09, 53.95),
    ],
}


@pytest.fixture
def coordinator(app):
    """SIA's coordinator, signed in, with the lookup table imported and an open petition."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    assert "5 rows of the lookup table imported" in confirm(client, AREAS, upload(client, AREAS, TABLE))
    submit(
        client,
        "/coalitions/sia/petitions/new",
        {
            "title": "Introduce an essentials guarantee",
            "slug": SLUG,
            "ask": "Cover life's essentials.",
            "goal": "100",
        },
    )
    page = client.get(f"/petitions/{SLUG}").get_data(as_text=True)
    client.post(f"/petitions/{SLUG}/open", data={"csrf_token": csrf_token(page)})
    return client


def _upload_map(client, data: bytes, name: str = "constituencies.geojson", **fields: str):
    page = client.get(MAP_PAGE)
    return client.post(
        MAP_PAGE,
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "file": (io.BytesIO(data), name),
            "code_property": "PCON24CD",
            "name_property": "PCON24NM",
            **fields,
        },
    )


def _maps(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BoundaryMap))


def _sign_everyone(app, mail) -> None:
    for n, (name, email, postcode) in enumerate(SIGNERS):
        mail.clear()
        visitor = app.test_client()
        environ = {"REMOTE_ADDR": f"192.0.2.{n + 1}"}
        data = {"name": name, "email": email, "region": postcode, "country": "GB", "public_name": "y"}
        assert visitor.post(f"/petitions/{SLUG}/sign", data=data, environ_base=environ).status_code == 200
        [message] = mail.wait_for(1)
        visitor.post(path_of(links_in(message)[0]), environ_base=environ)


def _rows(html: str) -> list[list[str]]:
    section = html[html.index('id="support-caption"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", "", cell)).split())
            for cell in re.findall(r"<td>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def test_a_coordinator_uploads_a_map_and_the_petition_page_and_its_json_agree(app, coordinator, mail):
    saved = _upload_map(coordinator, json.dumps(CONSTITUENCIES).encode())
    assert saved.status_code == 302 and saved.location == MAP_PAGE
    page = coordinator.get(MAP_PAGE)
    text = text_of(page)
    assert "The map is saved: 4 areas." in text and "Every area of your lookup table is on the map." in text
    assert len(re.findall(r"<path d=", page.get_data(as_text=True))) == 4

    _sign_everyone(app, mail)
    visitor = app.test_client()
    response = visitor.get(f"/petitions/{SLUG}")
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"].startswith("public") and "Set-Cookie" not in response.headers
    assert "8 signatures" in text_of(response)
    table = [
        ["Leeds Central and Headingley", "3", "37.5%"],
        ["Bristol Central", "2", "25.0%"],
        ["Edinburgh North and Leith", "1", "12.5%"],
        ["Elsewhere, not given or not found", "2", "25.0%"],
    ]
    assert _rows(html) == table
    chart = html[html.index('id="support-chart-title"') - 200 :]
    chart = chart[: chart.index("</svg>")]
    bars = re.findall(
        r'font-size="13" fill="#1d1d1b">([^<]+)</text><rect[^>]*></rect><text[^>]*>(\d+)</text>', chart
    )
    assert bars == [(name, count) for name, count, _share in table[:3]]
    assert "6 of 8 signatures are in 3 areas; the most, 3, in Leeds Central and Headingley." in chart

    svg = html[html.index('id="support-map-title"') - 200 :]
    svg = svg[: svg.index("</svg>")]
    titles = re.findall(r'<path d="[^"]+" fill="(#[0-9a-f]{6})"><title>([^<]+)</title></path>', svg)
    assert [title for _fill, title in titles] == [
        "Bristol Central: 2 signatures (25.0%)",
        "Edinburgh North and Leith: 1 signature (12.5%)",
        "Leeds Central and Headingley: 3 signatures (37.5%)",
        "York Central: no signatures yet",
    ]
    fills = {title.split(":")[0]: fill for fill, title in titles}
    assert fills["Leeds Central and Headingley"] == "#6b1f5b" and fills["York Central"] == "#f3f2f1"
    assert 'role="img"' in svg and "Signatures in each area" in svg

    answer = visitor.get(f"/petitions/{SLUG}/support.json")
    assert answer.headers["Cache-Control"].startswith("public") and "Set-Cookie" not in answer.headers
    assert answer.json == {
        "petition": SLUG,
        "signature_count": 8,
        "by_area": [
            {"code": "E14001336", "name": "Leeds Central and Headingley", "count": 3},
            {"code": "E14001131", "name": "Bristol Central", "count": 2},
            {"code": "S14000104", "name": "Edinburgh North and Leith", "count": 1},
        ],
        "other": 2,
    }
    body = answer.get_data(as_text=True)
    for name, email, postcode in SIGNERS:
        assert (
            name not in body and email not in body and (not postcode or postcode.upper() not in body.upper())
        )


def test_a_bad_map_file_is_refused_with_the_reason_next_to_the_field_and_nothing_is_kept(app, coordinator):
    bad = {
        "bad JSON": (b'{"type": "FeatureCollection", "features": [', "The file is not JSON: Expecting value"),
        "wrong geometry": (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        CONSTITUENCIES["features"][0],
                        {
                            "type": "Feature",
                            "properties": {"PCON24CD": "X"},
                            "geometry": {"type": "Point", "coordinates": [0, 51]},
                        },
                    ],
                }
            ).encode(),
            "Feature 2: its geometry is Point: only a Polygon or a MultiPolygon outlines an area.",
        ),
        "no code property": (
            json.dumps(CONSTITUENCIES).encode().replace(b"PCON24CD", b"CODE24"),
            "Feature 1: it has no “PCON24CD” property naming its area code (its properties: CODE24, "
            "PCON24NM).",
        ),
        "too big": (b" " * (4 * 1024 * 1024 + 1), "The file is larger than 4 MB, the most a map may be."),
    }
    for what, (data, message) in bad.items():
        refused = _upload_map(coordinator, data)
        text = text_of(refused)
        assert refused.status_code == 200, what
        assert text.startswith("Error:") and "There is a problem" in text, what
        field = refused.get_data(as_text=True)
        field = unescape(field[field.index('id="file-error"') :][:2000])
        assert message in " ".join(re.sub(r"<[^>]+>", " ", field).split()), (what, text)
        assert _maps(app) == 0, what
    wrong_type = _upload_map(coordinator, json.dumps(CONSTITUENCIES).encode(), name="constituencies.kml")
    assert "Choose a .geojson or .json file" in text_of(wrong_type) and _maps(app) == 0
    assert _upload_map(coordinator, json.dumps(CONSTITUENCIES).encode()).status_code == 302
    assert _maps(app) == 1


def test_a_new_map_replaces_the_old_and_a_removed_map_leaves_the_table_and_chart(app, coordinator, mail):
    assert _upload_map(coordinator, json.dumps(CONSTITUENCIES).encode()).status_code == 302
    fewer = {**CONSTITUENCIES, "features": CONSTITUENCIES["features"][:2]}
    assert _upload_map(coordinator, json.dumps(fewer).encode()).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AreaBoundary)) == 2
    text = text_of(coordinator.get(MAP_PAGE))
    assert (
        "3 areas of your lookup table have no outline on the map: Edinburgh North and Leith, York Central"
        not in text
    )
    assert (
        "2 areas of your lookup table have no outline on the map: Edinburgh North and Leith, York Central."
        in text
    )
    _sign_everyone(app, mail)
    page = coordinator.get(MAP_PAGE).get_data(as_text=True)
    coordinator.post(f"{MAP_PAGE}/remove", data={"csrf_token": csrf_token(page)})
    assert _maps(app) == 0
    html = app.test_client().get(f"/petitions/{SLUG}").get_data(as_text=True)
    assert 'id="support-map-title"' not in html and 'id="support-chart-title"' in html
    assert _rows(html)[0] == ["Leeds Central and Headingley", "3", "37.5%"]


def test_a_draft_has_no_public_figures(app, coordinator):
    submit(
        coordinator,
        "/coalitions/sia/petitions/new",
        {"title": "Later", "slug": "later", "ask": "Later.", "goal": "10"},
    )
    assert app.test_client().get("/petitions/later/support.json").status_code == 404
    assert coordinator.get("/petitions/later/support.json").json == {
        "petition": "later",
        "signature_count": 0,
        "by_area": [],
        "other": 0,
    }
