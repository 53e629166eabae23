"""The Record Signature Helper: the public form's path, its confirmation, its scope and its errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from organiser.actions.petitions.models import Petition, Signature, SignatureState
from organiser.api.framework import HAL
from organiser.api.writes.models import VouchedSignature
from organiser.db import db
from organiser.people.models import ConsentEvent, ConsentSubject, Person, PersonTag, Tag
from tests.api.conftest import HEADER, ApiWorld
from tests.helpers import links_in, path_of

Post = Callable[..., TestResponse]


@pytest.fixture
def post(app: Flask, world: ApiWorld) -> Post:
    """``post("/petitions/1/record_signature_helper", "zambia", {...})``: a JSON POST with that key."""
    return poster(app, world)


def poster(app: Flask, world: ApiWorld) -> Post:
    client = app.test_client()

    def send(path: str, key: str, body: object, **headers: str) -> TestResponse:
        return client.post(f"/api/v1{path}", json=body, headers={HEADER: world.keys[key], **headers})

    return send


def helper(world: ApiWorld, petition: int | None = None) -> str:
    return f"/petitions/{petition or world.tree.petition}/record_signature_helper"


def signer(email: str = "Thandiwe.Zulu@Example.org", **extra: object) -> dict[str, object]:
    return {
        "person": {
            "given_name": "Thandiwe",
            "family_name": "Zulu",
            "email_addresses": [{"address": email}],
            "postal_addresses": [{"postal_code": "10101", "locality": "Lusaka", "country": "ZM"}],
        },
        **extra,
    }


def _count(app: Flask, petition_id: int) -> int:
    with app.app_context():
        return db.session.get(Petition, petition_id).signature_count


def test_a_key_records_a_signature_confirmed_by_the_emailed_link_counted_and_read_back(
    app, api, post, world, mail
):
    before = _count(app, world.tree.petition)
    body = signer(
        comments="Land is life.", referrer_data={"source": "", "website": "https://zla.example.org"}
    )
    body["organiser:consent"] = {"coalition": True, "wording": "Keep me posted by FIA Zambia"}
    answer = post(helper(world), "zambia", body)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.mimetype == HAL
    signature = answer.json
    assert signature["organiser:state"] == "pending" and signature["comments"] == "Land is life."
    assert answer.headers["Location"] == signature["_links"]["self"]["href"]
    assert _count(app, world.tree.petition) == before, "not counted before it is confirmed"

    [message] = mail.wait_for_to("thandiwe.zulu@example.org")
    visitor = app.test_client()
    link = path_of(links_in(message)[0])
    assert visitor.get(link).status_code == 200
    assert visitor.post(link).status_code == 200
    assert _count(app, world.tree.petition) == before + 1

    read = api(f"/petitions/{world.tree.petition}/signatures", "zambia", per_page=100).json
    [mine] = [s for s in read["_embedded"]["osdi:signatures"] if s["identifiers"] == signature["identifiers"]]
    assert mine["organiser:state"] == "counted" and mine["organiser:confirmed_date"]
    assert mine["referrer_data"]["referrer"] == "https://zla.example.org"
    person = api(path_of(mine["_links"]["osdi:person"]["href"])[len("/api/v1") :], "zambia").json
    assert person["organiser:name"] == "Thandiwe Zulu"
    assert person["email_addresses"][0]["status"] == "subscribed", "the stated consent, once confirmed"


def test_a_known_person_is_merged_by_normalised_address_not_duplicated(app, post, world, mail):
    answer = post(helper(world), "zambia", signer("Bwalya@EXAMPLE.org"))
    assert answer.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Person.email == "bwalya@example.org")) == 1
        signature = db.session.get(Signature, int(answer.json["identifiers"][0].split(":")[1]))
        assert signature.person_id == world.tree.people["Bwalya Phiri"]
    again = post(helper(world), "zambia", signer("bwalya@example.org"))
    assert again.status_code == 200 and again.json["identifiers"] == answer.json["identifiers"]


def test_no_consent_is_assumed(app, post, world, mail):
    assert post(helper(world), "zambia", signer("no.consent@example.org")).status_code == 201
    [message] = mail.wait_for_to("no.consent@example.org")
    app.test_client().post(path_of(links_in(message)[0]))
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "no.consent@example.org"))
        assert db.session.scalar(select(func.count()).where(ConsentEvent.person_id == person.id)) == 0


def test_a_key_of_another_coalition_gets_403_and_an_unknown_petition_404(post, world):
    for key in ("sia", "mexico"):
        refused = post(helper(world), key, signer())
        assert refused.status_code == 403 and refused.json["error"] == "forbidden"
    assert post(helper(world, 999_999), "zambia", signer()).status_code == 404
    assert post(helper(world), "fia", signer()).status_code == 201, "the alliance's key reaches its chapters"


def test_a_bad_body_gets_400_naming_each_field(post, world):
    body = signer()
    body["person"]["email_addresses"] = [{"address": "not an address"}]
    body["person"]["given_name"] = "Nul\x00"
    body["comments"] = 5
    body["comment"] = "a typo of comments"
    body["add_tags"] = ["x" * 61]
    refused = post(helper(world), "zambia", body)
    assert refused.status_code == 400
    assert set(refused.json["errors"]) == {
        "person.email_addresses.0.address",
        "person.given_name",
        "comments",
        "comment",
        "add_tags.0",
    }
    assert "Control characters" in refused.json["errors"]["person.given_name"][0]
    assert post(helper(world), "zambia", {}).json["errors"] == {"person": ["This field is required."]}
    not_json = post(helper(world), "zambia", None, **{"Content-Type": "application/json"})
    assert not_json.status_code == 400 and list(not_json.json["errors"]) == ["body"]


def test_a_closed_petition_is_a_409(app, post, world):
    with app.app_context():
        db.session.get(Petition, world.tree.petition).status = "closed"
        db.session.commit()
    assert post(helper(world), "zambia", signer()).status_code == 409


def test_the_key_owner_vouches_recorded_as_confirmed_in_the_ledger_and_counted(app, post, world, mail):
    before = _count(app, world.tree.petition)
    body = signer("vouched@example.org", add_tags=["API volunteers", "volunteer"])
    body["organiser:confirmed_by_key_owner"] = True
    body["organiser:consent"] = {
        "coalition": True,
        "wording": "Yes, e-mail me",
        "source": "zla.example.org/join",
    }
    answer = post(helper(world), "zambia", body)
    assert answer.status_code == 201 and answer.json["organiser:confirmed_date"]
    assert _count(app, world.tree.petition) == before + 1
    assert mail.to("vouched@example.org") == [], "no confirmation e-mail"
    with app.app_context():
        signature_id = int(answer.json["identifiers"][0].split(":")[1])
        assert db.session.get(VouchedSignature, signature_id).key_name == "zambia key"
        person_id = db.session.get(Signature, signature_id).person_id
        [event] = db.session.scalars(select(ConsentEvent).where(ConsentEvent.person_id == person_id))
        assert event.subject_type == ConsentSubject.COALITION and event.wording == "Yes, e-mail me"
        assert "vouched by the key “zambia key”" in event.source and "zla.example.org/join" in event.source
        tags = db.session.scalars(
            select(Tag.name)
            .join(PersonTag, PersonTag.tag_id == Tag.id)
            .where(PersonTag.person_id == person_id)
        )
        assert sorted(tags) == ["API volunteers", "volunteer"], "made if missing, found if there"
        assert db.session.get(Signature, signature_id).state in (
            SignatureState.CONFIRMED,
            SignatureState.COUNTED,
        )


def test_an_organisations_key_may_record_but_neither_vouch_nor_tag(post, world, mail):
    vouching = signer("zla.member@example.org", **{"organiser:confirmed_by_key_owner": True})
    refused = post(helper(world), "zla", vouching)
    assert refused.status_code == 403 and list(refused.json["errors"]) == ["organiser:confirmed_by_key_owner"]
    refused = post(helper(world), "zla", signer("zla.member@example.org", add_tags=["ours"]))
    assert refused.status_code == 403 and list(refused.json["errors"]) == ["add_tags"]
    assert post(helper(world), "zla", signer("zla.member@example.org")).status_code == 201
    mail.wait_for_to("zla.member@example.org")
