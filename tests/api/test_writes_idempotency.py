"""Idempotency-Key on the writes: the same request replays the first answer, another is a 409; keys
are per API key, kept a day; a refused request is not kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from organiser.actions.petitions.models import Signature
from organiser.api.writes.models import IdempotentAnswer
from organiser.api.writes.operations import forget_old_answers
from organiser.db import db, utcnow
from tests.api.test_writes import helper, poster, signer


@pytest.fixture
def post(app, world):
    return poster(app, world)


def _signatures(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Signature))


def test_the_same_key_and_body_replay_the_first_answer_and_do_nothing_again(app, post, world, mail):
    key = {"Idempotency-Key": "4f1c-signature-1"}
    first = post(helper(world), "zambia", signer("once@example.org"), **key)
    assert first.status_code == 201
    count = _signatures(app)
    # The same JSON, its keys in another order: the same request.
    body = signer("once@example.org")
    reordered = {"person": {k: body["person"][k] for k in reversed(list(body["person"]))}}
    again = post(helper(world), "zambia", reordered, **key)
    assert (again.status_code, again.json) == (201, first.json)
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _signatures(app) == count
    assert len(mail.wait_for_to("once@example.org")) == 1

    other = post(helper(world), "zambia", signer("someone.else@example.org"), **key)
    assert other.status_code == 409 and list(other.json["errors"]) == ["Idempotency-Key"]
    assert _signatures(app) == count


def test_keys_are_per_api_key_and_kept_a_day(app, post, world):
    key = {"Idempotency-Key": "shared-name"}
    assert post(helper(world), "zambia", signer("day@example.org"), **key).status_code == 201
    # Another API key may use the same Idempotency-Key: its own request, answered as such.
    assert post(helper(world), "fia", signer("day@example.org"), **key).status_code == 200
    with app.app_context():
        db.session.execute(update(IdempotentAnswer).values(created_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
    later = post(helper(world), "zambia", signer("next.day@example.org"), **key)
    assert later.status_code == 201, "after a day the key is forgotten: a new request"
    with app.app_context():
        db.session.execute(update(IdempotentAnswer).values(created_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
        assert forget_old_answers() == 2
        assert db.session.scalar(select(func.count()).select_from(IdempotentAnswer)) == 0


def test_a_refused_request_is_not_kept_and_a_bad_key_is_a_400(app, post, world):
    key = {"Idempotency-Key": "retry-after-fixing"}
    assert post(helper(world), "zambia", {"person": {}}, **key).status_code == 400
    assert post(helper(world), "zambia", signer("fixed@example.org"), **key).status_code == 201
    for bad in ("x" * 256, "with space", "nul\x00", ""):
        refused = post(helper(world), "zambia", signer("fixed@example.org"), **{"Idempotency-Key": bad})
        assert refused.status_code == 400 and list(refused.json["errors"]) == ["Idempotency-Key"], bad


def test_erasing_the_person_forgets_the_answers_kept_for_them(app, post, world):
    from organiser.people.models import Person
    from organiser.privacy.registry import personal_data_sources

    assert (
        post(
            helper(world), "zambia", signer("forget.me@example.org"), **{"Idempotency-Key": "k1"}
        ).status_code
        == 201
    )
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "forget.me@example.org"))
        [kept] = [source for source in personal_data_sources() if source.name == "api_kept_answers"]
        assert kept.erase(person) == 1
        assert db.session.scalar(select(func.count()).select_from(IdempotentAnswer)) == 0
