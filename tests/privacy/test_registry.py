"""A column marked ``info=PERSONAL`` is what a person's own page lists and what erasure blanks: a
field added to a signature, a letter or a registration needs nothing more to be erased."""

from __future__ import annotations

from organiser.actions.letters.models import Letter
from organiser.actions.petitions import personal_data as signatures
from organiser.actions.petitions.models import Signature
from organiser.assemblies import personal_data as registrations
from organiser.assemblies.models import Registration
from organiser.db import personal_columns
from organiser.privacy.registry import personal_values


def test_erasure_blanks_exactly_the_personal_columns_and_keeps_what_counts_rely_on():
    assert signatures.ROWS.blank == {
        "person_id": None,
        "name": "",
        "region": "",
        "comment": "",
        "public_name": False,
        "utm_source": "",
        "utm_medium": "",
        "utm_campaign": "",
        "referrer": "",
        "ip": "",
        "email_domain": "",
    }, "country and source stay: the breakdowns count them"
    assert registrations.ROWS.blank["answers"] == {} and registrations.ROWS.blank["check_in_code"] is None
    assert "status" not in registrations.ROWS.blank, "the figures count registrations by status"
    assert {c.key for c in personal_columns(Letter)} >= {"name", "subject", "body", "ip"}


def test_a_persons_own_page_shows_every_personal_column():
    registration = Registration(name="Mwila", email="m@example.org", access_needs="Wheelchair", ip="10.0.0.1")
    shown = personal_values(registration)
    assert shown["access_needs"] == "Wheelchair" and shown["ip"] == "10.0.0.1"
    assert set(shown) == {c.key for c in personal_columns(Registration)}
    assert set(personal_values(Signature(name="Aisha"))) == {c.key for c in personal_columns(Signature)}
