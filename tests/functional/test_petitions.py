"""Signing a petition: double opt-in through the e-mailed link, counted once; a mailing to its
consenting signers reaches exactly them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from organiser.actions.petitions.models import Petition, PetitionStatus, Signature
from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, PetitionFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

SIGNER = {
    "name": "Aisha Khan",
    "email": "Aisha.Khan@gmail.com",
    "region": "Leeds",
    "country": "GB",
    "comment": "My family lives with it.",
    "public_name": "y",
    "consent_coalition": "y",
}


@pytest.fixture
def petition(app):
    """An open petition of SIA, written and opened by its coordinator through the forms."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        other = CoalitionFactory(slug="other")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        db.session.commit()
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.org", PASSWORD)
    created = submit(
        coordinator,
        "/coalitions/sia/petitions/new",
        {
            "title": "Scrap the two-child limit",
            "slug": "two-child-limit",
            "ask": "Scrap the two-child limit and the benefit cap.",
            "target": "The Chancellor",
            "goal": "1000",
        },
    )
    assert created.location == "/petitions/two-child-limit"
    assert app.test_client().get("/petitions/two-child-limit").status_code == 404, "a draft is not public"
    page = coordinator.get("/petitions/two-child-limit").get_data(as_text=True)
    coordinator.post("/petitions/two-child-limit/open", data={"csrf_token": csrf_token(page)})
    return coordinator


def _count(client) -> int:
    return client.get("/petitions/two-child-limit/count.json").json["count"]


def test_sign_confirm_through_the_emailed_link_and_count_once(app, petition, mail):
    visitor = app.test_client()
    page = visitor.get("/petitions/two-child-limit?source=wbg")
    assert "Set-Cookie" not in page.headers, "the public page stays cacheable"
    assert 'name="csrf_token"' not in page.get_data(as_text=True)
    assert _count(visitor) == 0

    sent = visitor.post("/petitions/two-child-limit/sign", data={**SIGNER, "source": "wbg"})
    assert "check your e-mail" in text_of(sent).lower() and "Set-Cookie" not in sent.headers
    [message] = mail.wait_for(1)
    assert message["To"] == "aishakhan@gmail.com"
    [link] = links_in(message)

    assert "Confirm my signature" in text_of(visitor.get(path_of(link)))
    assert _count(visitor) == 0, "a scanner's GET changes nothing"
    thanks = visitor.post(path_of(link))
    assert "Thank you for signing" in text_of(thanks) and "1 person has signed" in text_of(thanks)
    assert _count(visitor) == 1
    assert "Aisha Khan" in text_of(visitor.get("/petitions/two-child-limit")), "shown, as she agreed"

    visitor.post(path_of(link))
    mail.clear()
    again = visitor.post(
        "/petitions/two-child-limit/sign", data={**SIGNER, "email": "aisha.khan+petitions@gmail.com"}
    )
    # The page answers as to anyone (a public form never tells whether an address signed): only
    # the mailbox hears that the signature counted already.
    assert "check your e-mail" in text_of(again).lower() and "already" not in text_of(again)
    [told] = mail.wait_for(1)
    assert told["To"] == "aishakhan@gmail.com" and told["Subject"].startswith("You have signed already")
    assert _count(visitor) == 1, "signing twice never counts twice"
    with app.app_context():
        signature = db.session.scalar(select(Signature))
        assert signature.source == "wbg" and signature.confirmed_at is not None
        assert db.session.scalar(select(Petition.signature_count)) == 1


def test_unconfirmed_signers_get_the_link_again_a_few_times_only(app, petition, mail):
    visitor = app.test_client()
    for _ in range(5):
        visitor.post("/petitions/two-child-limit/sign", data={**SIGNER, "consent_coalition": ""})
    assert len(mail.wait_for(3)) == 3
    assert len(mail.messages) == 3
    assert _count(visitor) == 0


def test_bad_input_is_explained_and_bots_are_quietly_dropped(app, petition, mail):
    visitor = app.test_client()
    bad = visitor.post(
        "/petitions/two-child-limit/sign", data={**SIGNER, "name": "", "email": "nope", "country": "XX"}
    )
    text = text_of(bad)
    assert "Enter your name" in text and "Enter an e-mail address in the right format" in text
    assert "Choose a country from the list" in text and text.startswith("Error:")
    bot = visitor.post("/petitions/two-child-limit/sign", data={**SIGNER, "website": "http://spam.example"})
    assert "check your e-mail" in text_of(bot).lower()
    assert mail.messages == []
    with app.app_context():
        assert db.session.scalar(select(Signature)) is None


def test_a_forged_confirmation_link_counts_nothing(app, petition):
    visitor = app.test_client()
    assert visitor.post("/petitions/two-child-limit/confirm/not-a-token").status_code == 404
    assert _count(visitor) == 0


def test_another_coalitions_coordinator_cannot_see_the_draft_or_open_it(app):
    with app.app_context():
        sia = CoalitionFactory(slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        other = CoalitionFactory(slug="other")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        PetitionFactory(
            coalition_id=sia.id,
            title="Draft",
            slug="draft",
            ask="Ask",
            status=PetitionStatus.DRAFT,
            opened_at=None,
        )
        db.session.commit()
    intruder = app.test_client()
    sign_in(intruder, "other@example.org", PASSWORD)
    assert intruder.get("/petitions/draft").status_code == 404
    assert intruder.get("/coalitions/sia/petitions").status_code == 403
    token = csrf_token(intruder.get("/account").get_data(as_text=True))
    assert intruder.post("/petitions/draft/open", data={"csrf_token": token}).status_code == 403


def test_a_mailing_to_a_petitions_consenting_signers_reaches_exactly_them(app, petition, mail):
    visitor = app.test_client()
    for name, email, consent, confirm in [
        ("Aisha", "aisha@example.org", "y", True),
        ("Ben", "ben@example.org", "", True),  # no consent
        ("Chloe", "chloe@example.org", "y", False),  # never confirmed
        ("Dev", "dev@example.org", "y", True),
    ]:
        mail.clear()
        visitor.post(
            "/petitions/two-child-limit/sign",
            data={**SIGNER, "name": name, "email": email, "consent_coalition": consent},
        )
        if confirm:
            visitor.post(path_of(links_in(mail.wait_for(1)[0])[0]))
    mail.clear()
    coordinator = petition
    form = coordinator.get("/coalitions/sia/mailings/new").get_data(as_text=True)
    segment = re.search(r'value="([^"]*petition_signers[^"]*)"', form).group(1).replace("&#34;", '"')
    created = submit(
        coordinator,
        "/coalitions/sia/mailings/new",
        {"subject": "Thank you", "segments": segment, "body_markdown": "Hello {{ name }}"},
    )
    mailing_page = created.location
    assert "2 people will get it" in text_of(coordinator.get(mailing_page))
    token = csrf_token(coordinator.get(mailing_page).get_data(as_text=True))
    coordinator.post(mailing_page + "/start", data={"csrf_token": token})
    received = sorted(m["To"].addresses[0].addr_spec for m in mail.wait_for(2))
    assert received == ["aisha@example.org", "dev@example.org"]


def test_coordinators_export_signatures_see_counts_and_close_the_petition(app, petition, mail):
    visitor = app.test_client()
    for name, email, region in [
        ("Aisha", "aisha@example.org", "Leeds"),
        ("=Ben", "ben@example.org", "Leeds"),
        ("Chloe", "chloe@example.org", "Cardiff"),
    ]:
        mail.clear()
        visitor.post(
            "/petitions/two-child-limit/sign",
            data={**SIGNER, "name": name, "email": email, "region": region, "source": "wbg"},
        )
        visitor.post(path_of(links_in(mail.wait_for(1)[0])[0]))
    coordinator = petition
    csv_text = coordinator.get("/petitions/two-child-limit/signatures.csv").get_data(as_text=True)
    assert "'=Ben,ben@example.org,Leeds" in csv_text and csv_text.count("\n") == 4
    summary = coordinator.get("/petitions/two-child-limit/summary.json").json
    assert summary["count"] == 3 and summary["by_region"] == {"Leeds": 2, "Cardiff": 1}
    assert summary["by_source"] == {"wbg": 3} and "email" not in str(summary)
    for path in ("/petitions/two-child-limit/signatures.csv", "/petitions/two-child-limit/summary.json"):
        assert visitor.get(path).status_code == 302, "sign in first"
        intruder = app.test_client()
        sign_in(intruder, "other@example.org", PASSWORD)
        assert intruder.get(path).status_code == 403

    page = coordinator.get("/petitions/two-child-limit").get_data(as_text=True)
    closed = coordinator.post(
        "/petitions/two-child-limit/close", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "closed to new signatures" in text_of(closed)
    late = visitor.post("/petitions/two-child-limit/sign", data={**SIGNER, "email": "late@example.org"})
    assert late.status_code == 409 and "closed to new signatures" in text_of(late)
