"""The Person Signup Helper: matched and merged by address, consent only as stated (in the ledger,
naming the key), tags for coalitions' keys, and nothing shown that the key may not see."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from organiser.db import db
from organiser.people.models import ConsentEvent, ConsentSubject, Person, PersonTag, Tag
from tests.api.test_writes import poster

SIGNUP = "/people/person_signup_helper"


@pytest.fixture
def post(app, world):
    return poster(app, world)


def person(email: str, given: str = "Natasha", family: str = "Mwansa") -> dict:
    return {
        "given_name": given,
        "family_name": family,
        "email_addresses": [{"address": email, "status": "subscribed"}],
        "postal_addresses": [{"region": "Copperbelt", "country": "ZM"}],
    }


def _events(app, email: str) -> list[ConsentEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ConsentEvent)
                .join(Person, Person.id == ConsentEvent.person_id)
                .where(Person.email == email)
            )
        )


def test_a_coalitions_key_signs_up_a_person_with_stated_consent_and_tags(app, post, world):
    consent = {"coalition": True, "wording": "Yes, FIA Zambia may e-mail me", "source": "our sign-up form"}
    body = {"person": person("Natasha.Mwansa@example.org"), "organiser:consent": consent, "add_tags": ["api"]}
    answer = post(SIGNUP, "zambia", body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["organiser:name"] == "Natasha Mwansa"
    assert answer.json["email_addresses"][0] == {
        "primary": True,
        "address": "natasha.mwansa@example.org",
        "status": "subscribed",
    }
    [event] = _events(app, "natasha.mwansa@example.org")
    assert (event.subject_type, event.subject_id, event.given) == (
        ConsentSubject.COALITION,
        world.tree.zambia,
        True,
    )
    assert (
        event.wording == consent["wording"]
        and "“zambia key”" in event.source
        and "our sign-up form" in event.source
    )
    with app.app_context():
        person_id = int(answer.json["identifiers"][0].split(":")[1])
        tagged = (
            select(Tag.name)
            .join(PersonTag, PersonTag.tag_id == Tag.id)
            .where(PersonTag.person_id == person_id)
        )
        assert list(db.session.scalars(tagged)) == ["api"]


def test_a_known_person_is_merged_not_duplicated_and_keeps_what_they_told_us(app, post, world):
    answer = post(SIGNUP, "zambia", {"person": person("BWALYA@example.org", "Someone", "Else")})
    assert answer.status_code == 200
    assert answer.json["identifiers"] == [f"organiser:{world.tree.people['Bwalya Phiri']}"]
    assert answer.json["organiser:name"] == "Bwalya Phiri"
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Person.email == "bwalya@example.org")) == 1
    assert _events(app, "bwalya@example.org")[-1].source == "test form", "no consent recorded: none stated"


def test_no_consent_is_assumed_and_what_the_key_may_not_see_is_not_shown(app, post, world):
    answer = post(SIGNUP, "zambia", {"person": person("quiet@example.org")})
    assert (answer.status_code, answer.json) == (202, {"organiser:status": "recorded"})
    assert _events(app, "quiet@example.org") == [], "OSDI's 'subscribed' status is not consent"


def test_an_organisations_key_records_consent_to_itself_and_may_not_tag(app, post, world):
    both = {
        "person": person("zla.friend@example.org"),
        "organiser:consent": {"organisation": True, "coalition": True},
    }
    answer = post(SIGNUP, "zla", both)
    assert answer.status_code == 200 and answer.json["organiser:name"] == "Natasha Mwansa"
    subjects = {(e.subject_type, e.subject_id) for e in _events(app, "zla.friend@example.org")}
    assert subjects == {
        (ConsentSubject.ORGANISATION, world.tree.zla),
        (ConsentSubject.COALITION, world.tree.zambia),
    }
    # Agreeing to hear from ZLA alone does not link them to FIA Zambia: ZLA's admins do not see them
    # in the pages, so its key is told "recorded" and nothing more.
    ours = {"person": person("ours.only@example.org"), "organiser:consent": {"organisation": True}}
    assert post(SIGNUP, "zla", ours).json == {"organiser:status": "recorded"}
    assert len(_events(app, "ours.only@example.org")) == 1
    refused = post(SIGNUP, "zla", {"person": person("x@example.org"), "add_tags": ["ours"]})
    assert refused.status_code == 403 and list(refused.json["errors"]) == ["add_tags"]
    refused = post(SIGNUP, "zla", {"person": person("x@example.org"), "organiser:coalition": "fia-mexico"})
    assert refused.status_code == 403 and list(refused.json["errors"]) == ["organiser:coalition"]
    assert (
        post(SIGNUP, "zla", {"person": person("x@example.org"), "organiser:coalition": "nope"}).status_code
        == 404
    )
    refused = post(
        SIGNUP, "zambia", {"person": person("x@example.org"), "organiser:consent": {"organisation": True}}
    )
    assert refused.status_code == 403 and list(refused.json["errors"]) == ["organiser:consent.organisation"]


def test_an_alliance_key_may_sign_up_with_a_chapter_and_a_bad_body_is_a_400(app, post, world):
    body = {"person": person("chapter@example.org"), "organiser:coalition": "fia-mexico"}
    body["organiser:consent"] = {"coalition": True}
    assert post(SIGNUP, "fia", body).status_code == 200
    assert _events(app, "chapter@example.org")[0].subject_id == world.tree.mexico
    refused = post(SIGNUP, "fia", {"person": {"email_addresses": [], "given_name": "\x00"}, "extra": 1})
    assert refused.status_code == 400
    assert set(refused.json["errors"]) == {"person.email_addresses", "person.given_name", "extra"}
