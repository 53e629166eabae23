"""Petitions made and changed through the API: the coordinators' services, so they are like any
other (a public page, signatures); coalitions' keys only, in their own coalitions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from organiser.actions.petitions.models import Petition
from organiser.db import db, utcnow
from tests.api.test_writes import poster, signer


def _petition(name: str = "clean-water", **extra: object) -> dict:
    return {
        "title": "Clean water for every village",
        "name": name,
        "petition_text": "Fund a borehole in every village by 2030.",
        "target": [{"name": "Minister of Water"}],
        "organiser:goal": 5000,
        **extra,
    }


def test_a_petition_made_through_the_api_is_first_class(app, api, world, mail):
    post = poster(app, world)
    close = (utcnow() + timedelta(days=30)).date().isoformat()
    answer = post(
        "/petitions", "fia", _petition(**{"organiser:coalition": "fia-zambia", "organiser:close_date": close})
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    made = answer.json
    assert made["organiser:status"] == "draft" and made["target"] == [{"name": "Minister of Water"}]
    assert made["organiser:goal"] == 5000 and answer.headers["Location"] == made["_links"]["self"]["href"]
    assert app.test_client().get("/petitions/clean-water").status_code == 404, "a draft is not public"

    petition_id = int(made["identifiers"][0].split(":")[1])
    client = app.test_client()
    opened = client.put(
        f"/api/v1/petitions/{petition_id}",
        json={"organiser:status": "open", "title": "Clean water, now"},
        headers={"OSDI-API-Token": world.keys["zambia"]},
    )
    assert opened.status_code == 200 and opened.json["organiser:status"] == "open"
    assert "Clean water, now" in app.test_client().get("/petitions/clean-water").get_data(as_text=True)
    signed = post(f"/petitions/{petition_id}/record_signature_helper", "zambia", signer("water@example.org"))
    assert signed.status_code == 201
    mail.wait_for_to("water@example.org")
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == "clean-water"))
        assert petition.coalition_id == world.tree.zambia and petition.close_date.isoformat() == close


def test_who_may_make_and_change_petitions_and_the_errors(app, world):
    post = poster(app, world)
    assert post("/petitions", "zla", _petition()).status_code == 403, "organisations' admins make none"
    refused = post("/petitions", "zambia", _petition(**{"organiser:coalition": "fia-mexico"}))
    assert refused.status_code == 403 and list(refused.json["errors"]) == ["organiser:coalition"]
    refused = post("/petitions", "zambia", _petition("land"))
    assert refused.status_code == 409 and list(refused.json["errors"]) == ["name"]
    refused = post("/petitions", "zambia", _petition("Not A Slug", **{"organiser:goal": 0}))
    assert refused.status_code == 400 and set(refused.json["errors"]) == {"name", "organiser:goal"}
    past = post("/petitions", "zambia", _petition("past", **{"organiser:close_date": "2020-01-01"}))
    assert past.status_code == 409 and list(past.json["errors"]) == ["organiser:close_date"]

    client, headers = app.test_client(), {"OSDI-API-Token": world.keys["mexico"]}
    assert client.put(f"/api/v1/petitions/{world.tree.petition}", json={}, headers=headers).status_code == 403
    headers = {"OSDI-API-Token": world.keys["zambia"]}
    closed = client.put(
        f"/api/v1/petitions/{world.tree.petition}", json={"organiser:status": "closed"}, headers=headers
    )
    assert closed.status_code == 200 and closed.json["organiser:status"] == "closed"
    again = client.put(f"/api/v1/petitions/{world.tree.petition}", json={"title": "New"}, headers=headers)
    assert again.status_code == 409
