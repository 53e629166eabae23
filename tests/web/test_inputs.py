"""The one input filter (organiser/inputs.py): control characters never reach the database, from
forms, query parameters, hidden tracking fields, headers or JSON; ids too large for the database
are a 404; a URL segment with a control character matches no route."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from organiser.actions.petitions.models import PetitionStatus, Signature
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.messaging.models import MailEvent
from tests.factories import PASSWORD, CoalitionFactory, PetitionFactory, user_with_role
from tests.helpers import sign_in, submit, text_of


@pytest.fixture
def petition(app):
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.PLATFORM_ADMIN, email="admin@example.org")
        PetitionFactory(
            coalition_id=sia.id,
            title="Scrap the two-child limit",
            slug="two-child-limit",
            ask="Scrap it.",
            status=PetitionStatus.OPEN,
            opened_at=utcnow(),
        )
        db.session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/petitions/%00",
        "/petitions/two-child-limit%01",
        "/assemblies/%00.ics",
        "/organisations/%00/logo.png",
        "/coalitions/sia%1f",
        "/mailings/2147483648",
        "/mailings/99999999999999999999",
        "/dev/mail/2147483648",
        "/memberships/2147483648/approve",
    ],
)
def test_paths_with_controls_or_huge_ids_are_not_found(app, petition, path):
    client = app.test_client()
    sign_in(client, "admin@example.org", PASSWORD)
    assert client.get(path).status_code in (404, 405)


def test_query_parameters_hidden_fields_and_headers_lose_their_control_characters(app, petition, mail):
    visitor = app.test_client()
    page = visitor.get("/petitions/two-child-limit?source=wbg%00&q=%01")
    assert page.status_code == 200 and 'value="wbg"' in page.get_data(as_text=True)
    sent = visitor.post(
        "/petitions/two-child-limit/sign",
        data={
            "name": "Aisha",
            "email": "aisha@example.org",
            "source": "w\x00bg",
            "utm_source": "news\x07letter",
            "utm_campaign": "x" * 500,
        },
        headers={"Referer": "https://example.org/\x01page"},
    )
    assert sent.status_code == 200 and "check your e-mail" in text_of(sent).lower()
    with app.app_context():
        signature = db.session.scalar(select(Signature))
        assert (signature.source, signature.utm_source) == ("wbg", "newsletter")
        assert signature.utm_campaign == "x" * 120 and signature.referrer == "https://example.org/page"


def test_a_name_with_a_nul_is_sent_back_with_a_message_and_nothing_is_stored(app, petition, mail):
    answer = app.test_client().post(
        "/petitions/two-child-limit/sign", data={"name": "Ai\x00sha", "email": "aisha@example.org"}
    )
    assert answer.status_code == 200 and "invisible control characters" in text_of(answer)
    assert 'value="Aisha"' in answer.get_data(as_text=True), "the cleaned name, to send again"
    with app.app_context():
        assert db.session.scalar(select(Signature)) is None
    assert mail.messages == []


def test_a_coordinators_form_answers_the_same_way(app, petition):
    client = app.test_client()
    sign_in(client, "admin@example.org", PASSWORD)
    answer = submit(client, "/coalitions/sia/targets", {"name": "Rachel\x0bReeves", "email": "r@example.org"})
    assert answer.status_code == 200 and "invisible control characters" in text_of(answer)


def test_the_bounce_webhook_takes_no_control_characters(app, petition, config_override):
    config_override(BOUNCE_WEBHOOK_SECRET="s3cret")  # noqa: S106
    answer = app.test_client().post(
        "/webhooks/bounces",
        json={"events": [{"email": "a\x00b@example.org", "type": "hard", "detail": "5.1.1\x00"}]},
        headers={"Authorization": "Bearer s3cret"},
    )
    assert answer.status_code == 200 and answer.json["recorded"] == 1
    with app.app_context():
        event = db.session.scalar(select(MailEvent))
        assert (event.email, event.detail) == ("ab@example.org", "5.1.1")


def test_a_query_parameter_named_like_the_routes_own_argument_changes_nothing(app, petition):
    """Every page links to itself in the other language: ``?slug=`` must not clash with the route's."""
    page = app.test_client().get("/petitions/two-child-limit?slug=other&lang=es")
    assert page.status_code == 200 and "/petitions/two-child-limit?lang=en" in page.text


def test_query_parameters_url_for_reads_as_instructions_are_only_carried(app, petition):
    """``_method``, ``_scheme``, ``_external``, ``_anchor`` and ``endpoint`` are url_for's own words:
    the language link carries them in its query, as any other parameter, and the page answers."""
    query = "_method=POST&_scheme=gopher&_external=1&_anchor=x&endpoint=nowhere&lang=es"
    page = app.test_client().get(f"/petitions/two-child-limit?{query}")
    assert page.status_code == 200
    assert "/petitions/two-child-limit?_method=POST&amp;_scheme=gopher" in page.text


def test_a_choice_of_nothing_but_a_control_character_is_an_empty_one(app, petition, mail):
    """Python counts \\x1c-\\x1f as white space, so an optional choice of one is taken as empty (and
    was stored as it came): the control character is taken out first, and nothing of it is kept."""
    answer = app.test_client().post(
        "/petitions/two-child-limit/sign", data={"name": "Aisha", "email": "a@example.org", "country": "\x1f"}
    )
    assert answer.status_code == 200 and "check your e-mail" in text_of(answer).lower()
    with app.app_context():
        assert db.session.scalar(select(Signature.country)) is None
