"""Generated bad input in the helpers' JSON bodies (NUL and other controls, over-long text, wrong
types, huge numbers), one field at a time, and huge ids in their paths: never a 5xx; a refused body
is a 400 naming the field and stores nothing; an accepted one stores no control character."""

from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from organiser.actions.petitions.models import Petition, Signature
from organiser.api.writes.body import MAX_BODY
from organiser.db import db
from organiser.people.models import ConsentEvent, Person
from tests.api.test_writes import helper, poster, signer
from tests.attack import values

json_bad = st.one_of(
    values.bad_values,
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
FIELDS = (
    ("person", "given_name"),
    ("person", "family_name"),
    ("person", "email_addresses", 0, "address"),
    ("person", "postal_addresses", 0, "postal_code"),
    ("person", "postal_addresses", 0, "country"),
    ("comments",),
    ("referrer_data", "source"),
    ("referrer_data", "referrer"),
    ("add_tags", 0),
    ("organiser:consent", "wording"),
    ("organiser:consent", "coalition"),
    ("organiser:public_name",),
    ("triggers", "autoresponse", "enabled"),
)
STORED_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@pytest.fixture
def post(app, world):
    return poster(app, world)


def _good() -> dict:
    body = signer("bad.input@example.org", comments="Fine.", referrer_data={"source": "", "referrer": "x"})
    body.update(
        {
            "add_tags": ["fine"],
            "organiser:consent": {"coalition": False, "wording": "ok"},
            "organiser:public_name": False,
            "triggers": {"autoresponse": {"enabled": True}},
        }
    )
    return body


def _poison(path: tuple, value: object, good: dict | None = None) -> dict:
    body = copy.deepcopy(good or _good())
    at = body
    for step in path[:-1]:
        at = at[step]
    at[path[-1]] = value
    return body


def _rows() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Signature, Person, ConsentEvent)
    )


def _stored_texts(app) -> list[tuple[str, ...]]:
    with app.app_context():
        signatures = select(Signature.name, Signature.comment, Signature.region, Signature.referrer)
        people = select(Person.name, Person.region, Person.email)
        consent = select(ConsentEvent.wording, ConsentEvent.source)
        petitions = select(Petition.title, Petition.ask, Petition.background, Petition.target, Petition.slug)
        queries = (signatures, people, consent, petitions)
        return [tuple(row) for query in queries for row in db.session.execute(query)]


SIGNUP_FIELDS = (
    ("person", "given_name"),
    ("person", "email_addresses", 0, "address"),
    ("person", "postal_addresses", 0, "region"),
    ("organiser:consent", "wording"),
    ("organiser:consent", "source"),
    ("organiser:consent", "organisation"),
    ("organiser:coalition",),
    ("add_tags", 0),
)


OUTREACH_FIELDS = (
    ("person", "given_name"),
    ("person", "postal_addresses", 0, "postal_code"),
    ("subject",),
    ("message",),
    ("organiser:version",),
    ("referrer_data", "website"),
)


ATTENDANCE_FIELDS = (
    ("person", "family_name"),
    ("person", "email_addresses", 0, "address"),
    ("organiser:language",),
    ("organiser:access_needs",),
    ("organiser:answers",),
    ("organiser:answers", "1"),
)


PETITION_FIELDS = (
    ("title",),
    ("name",),
    ("petition_text",),
    ("description",),
    ("target", 0, "name"),
    ("organiser:goal",),
    ("organiser:close_date",),
    ("organiser:status",),
)


@pytest.mark.parametrize("which", ["signature", "signup", "outreach", "attendance", "petition"])
def test_every_field_of_the_helpers_takes_generated_bad_values(app, post, world, which):
    path, fields = {
        "signature": (helper(world), FIELDS),
        "signup": ("/people/person_signup_helper", SIGNUP_FIELDS),
        "outreach": (f"/advocacy_campaigns/{world.tree.campaign}/record_outreach_helper", OUTREACH_FIELDS),
        "attendance": (f"/events/{world.tree.assembly}/record_attendance_helper", ATTENDANCE_FIELDS),
        "petition": ("/petitions", PETITION_FIELDS),
    }[which]

    @given(where=st.sampled_from(fields), value=json_bad)
    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(where: tuple, value: object) -> None:
        with app.app_context():
            before = _rows()
        body = _poison(where, value) if which == "signature" else _good()
        if which == "outreach":
            good = {"person": _good()["person"], "subject": "Land", "message": "Land for those who farm it."}
            good["referrer_data"] = {"website": "https://zla.example.org"}
            body = _poison(where, value, good)
        if which == "petition":
            good = {
                "title": "Water",
                "name": "water",
                "petition_text": "Wells.",
                "target": [{"name": "Minister"}],
            }
            body = _poison(where, value, good)
        if which == "attendance":
            good = {"person": _good()["person"], "organiser:language": "Bemba", "organiser:answers": {}}
            body = _poison(where, value, good)
        if which == "signup":
            body = {k: v for k, v in body.items() if k in ("person", "add_tags", "organiser:consent")}
            body["organiser:consent"] = {"coalition": True, "wording": "ok", "source": "test"}
            body = _poison(where, value, body)
        answer = post(path, "zambia", body)
        name = ".".join(str(step) for step in where)
        if len(json.dumps(body).encode()) > MAX_BODY:
            assert answer.status_code == 413, (name, answer.status_code)
            return
        allowed = (200, 201, 202, 400, 403, 404, *((409,) if which in ("outreach", "petition") else ()))
        assert answer.status_code in allowed, (name, repr(value)[:200], answer.status_code)
        # A coalition the key may not use, or none; an organisation's consent; no such version or question.
        if answer.status_code in (403, 404):
            allowed_names = ("organiser:coalition", "organiser:consent.organisation", "organiser:version")
            allowed_names += ("organiser:answers.1", "organiser:answers")
            assert name in allowed_names, (name, answer.json)
        if answer.status_code == 400:
            named = [k for k in answer.json["errors"] if k == name or k.startswith(f"{name}.")]
            assert named, (name, answer.json)
            with app.app_context():
                assert _rows() == before
        for row in _stored_texts(app):
            assert not any(STORED_CONTROL.search(text or "") for text in row), row

    check()


def test_huge_and_odd_ids_in_the_path_are_404s(post, world):
    for petition in ("99999999999999999999", "0", "-1", "1.5", "%00"):
        answer = post(f"/petitions/{petition}/record_signature_helper", "zambia", signer())
        assert answer.status_code == 404, (petition, answer.status_code)
        assert answer.json["status"] == 404
