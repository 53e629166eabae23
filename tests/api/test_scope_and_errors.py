"""Scope on every object, and failures that are JSON with a status that means what it says."""

from __future__ import annotations

from organiser.api.framework import HAL


def _error(response, status):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == HAL and response.json["status"] == status
    assert response.headers["Cache-Control"] == "no-store"
    return response.json


def test_a_key_of_another_coalition_gets_403_on_an_object_and_a_missing_one_404(app, api, world):
    petition = world.tree.petition
    _error(api(f"/petitions/{petition}", "sia"), 403)
    _error(api(f"/petitions/{petition}/signatures", "sia"), 403)
    _error(api(f"/people/{world.tree.people['Chipo Mwale']}", "sia"), 403)
    assert api(f"/petitions/{petition}", "zambia").status_code == 200
    assert api(f"/petitions/{petition}", "fia").status_code == 200, "the alliance sees its chapters"
    _error(api("/petitions/999999", "zambia"), 404)
    _error(api(f"/petitions/{petition}/signatures/999999", "zambia"), 404)
    _error(api("/petitions/99999999999", "zambia"), 404)
    _error(api("/nothing-here", "zambia"), 404)

    _error(app.test_client().get("/api/elsewhere"), 404)  # anywhere under /api/: never an HTML page
    assert api("/petitions", "sia").json["total_records"] == 0


def test_a_chapter_key_cannot_see_the_alliance_nor_its_other_chapters(api, world):
    tree = world.tree
    _error(api(f"/petitions/{tree.mexican_petition}", "zambia"), 403)
    _error(api(f"/coalitions/{tree.mexico}", "zambia"), 403)
    _error(api(f"/coalitions/{tree.fia}", "zambia"), 403)
    _error(api(f"/people/{tree.people['María López']}", "zambia"), 403)
    assert {c["slug"] for c in api("/coalitions", "zambia").json["_embedded"]["osdi:coalitions"]} == {
        "fia-zambia"
    }
    assert api(f"/people/{tree.people['María López']}", "mexico").status_code == 200


def test_an_organisations_key_sees_its_own_people_and_published_things_only(api, world):
    tree = world.tree
    people = api("/people", "zla").json["_embedded"]["osdi:people"]
    assert [p["organiser:name"] for p in people] == ["Chipo Mwale"], "Lupita withdrew her consent"
    _error(api(f"/people/{tree.people['Bwalya Phiri']}", "zla"), 403)
    assert [o["slug"] for o in api("/organisations", "zla").json["_embedded"]["osdi:organisations"]] == [
        "zla"
    ]
    signatures = api(f"/petitions/{tree.petition}/signatures", "zla").json["_embedded"]["osdi:signatures"]
    assert len(signatures) == 1, "only Chipo's signature: she agrees to hear from ZLA"
    assert api("/tags", "zla").json["total_records"] == 0, "organisations' admins see no tags"
    _error(api(f"/tags/{world.tag}/taggings", "zla"), 403)


def test_without_a_valid_key_every_route_is_401_json(app, api, world):
    for key in (None, "osk_not-a-key", "not even the format"):
        body = _error(api("/people", key), 401)
        assert "OSDI-API-Token" in body["message"]
    _error(api("/", None), 401)
    assert api("/openapi.json").status_code == 200, "the description needs no key"


def test_a_bad_parameter_is_a_400_naming_it(api):
    body = _error(api("/people", "fia", per_page=101), 400)
    assert list(body["errors"]) == ["per_page"]
    body = _error(api("/people", "fia", page="x", per_page="0"), 400)
    assert set(body["errors"]) == {"page", "per_page"}


def test_the_api_sets_no_cookie_and_ignores_a_browser_session(app, api, world):
    from tests.factories import PASSWORD
    from tests.helpers import sign_in
    from tests.supporters.conftest import ACCOUNTS

    browser = app.test_client()
    assert sign_in(browser, ACCOUNTS["zambia"], PASSWORD).status_code == 302
    signed_in = browser.get("/api/v1/people")
    _error(signed_in, 401)
    assert "Set-Cookie" not in signed_in.headers
    answered = browser.get("/api/v1/people", headers={"OSDI-API-Token": world.keys["zambia"]})
    assert answered.status_code == 200 and "Set-Cookie" not in answered.headers


def test_a_wrong_method_is_a_405_in_json(app, world):
    response = app.test_client().post("/api/v1/people", headers={"OSDI-API-Token": world.keys["fia"]})
    _error(response, 405)


def test_over_the_keys_rate_limit_a_429_with_retry_after(api, config_override):
    config_override(API_RATE_LIMIT="3 per minute")
    assert [api("/people", "zambia").status_code for _ in range(3)] == [200, 200, 200]
    body = _error(over := api("/people", "zambia"), 429)
    assert 1 <= int(over.headers["Retry-After"]) <= 60 and body["error"] == "too_many_requests"
    assert api("/people", "mexico").status_code == 200, "each key has its own limit"
