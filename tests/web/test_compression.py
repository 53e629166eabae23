"""Pages come gzip-compressed to a client that takes it, plain to one that does not, and say that they
vary by it; small answers, streamed ones and images are left alone; the public-page memory keeps the
two versions apart."""

from __future__ import annotations

import gzip

import pytest

from organiser.db import db
from organiser.web.compression import accepts_gzip
from tests.factories import CoalitionFactory, PetitionFactory

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def petition(app) -> str:
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        PetitionFactory(coalition_id=sia.id, title="Introduce an essentials guarantee", slug="essentials")
        db.session.commit()
    return "/petitions/essentials"


def _varies_by_encoding(response) -> bool:
    return "accept-encoding" in {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}


@pytest.mark.parametrize("page", ["petition", "home", "coalition"])
def test_pages_are_gzip_for_clients_that_take_it_and_plain_for_the_others(client, petition, page):
    url = {"petition": petition, "home": "/", "coalition": "/coalitions/sia"}[page]
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers and plain.data.startswith(b"<!doctype html>")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2
    assert _varies_by_encoding(plain) and _varies_by_encoding(packed)
    assert packed.headers["Cache-Control"] == plain.headers["Cache-Control"], "still as cacheable"
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_small_answers_and_images_are_left_as_they_are(client, petition):
    count = client.get(f"{petition}/count.json", headers=GZIP)
    assert count.status_code == 200 and "Content-Encoding" not in count.headers
    assert count.json == {"count": 0, "goal": 1000}
    static = client.get("/static/organiser.css", headers=GZIP)
    assert static.status_code == 200 and "Content-Encoding" not in static.headers, "a file sent as it is"
    static.close()


def test_the_public_page_memory_keeps_the_compressed_and_plain_copies_apart(
    client, petition, config_override, request
):
    from organiser.actions.petitions.views.public import forget_remembered_pages

    request.addfinalizer(forget_remembered_pages)
    config_override(PUBLIC_MICROCACHE_SECONDS=30)
    first = client.get(petition, headers=GZIP)
    plain = client.get(petition)
    again = client.get(petition, headers=GZIP)
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(again.data) == plain.data


@pytest.mark.parametrize(
    ("header", "takes"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("GZIP", True),
        ("*", True),
        ("x-gzip", True),
        ("br", False),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
        (None, False),
    ],
)
def test_which_clients_take_gzip(header, takes):
    assert accepts_gzip(header) is takes
