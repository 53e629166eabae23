"""A draft petition says it is not open yet (its coordinators see it before opening it); a closed
one says it is closed to new signatures."""

from __future__ import annotations

import pytest

from organiser.actions.petitions.models import PetitionStatus
from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, PetitionFactory, user_with_role
from tests.helpers import sign_in, text_of

NOT_YET = "This petition is not open yet: it takes signatures once its coordinators open it."
CLOSED = "This petition is closed to new signatures."


@pytest.fixture
def coordinator(app):
    with app.app_context():
        sia = CoalitionFactory(slug="sia")
        PetitionFactory(coalition_id=sia.id, slug="draft", status=PetitionStatus.DRAFT, opened_at=None)
        PetitionFactory(coalition_id=sia.id, slug="closed", status=PetitionStatus.CLOSED)
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    return client


@pytest.mark.parametrize("page", ["/petitions/draft", "/petitions/draft/embed"])
def test_a_draft_says_it_is_not_open_yet(coordinator, page):
    text = text_of(coordinator.get(page))
    assert NOT_YET in text and CLOSED not in text


def test_signing_a_draft_is_answered_not_open_yet(coordinator):
    answer = coordinator.post("/petitions/draft/sign", data={"name": "A", "email": "a@example.org"})
    assert answer.status_code == 409 and NOT_YET in text_of(answer) and CLOSED not in text_of(answer)


@pytest.mark.parametrize("page", ["/petitions/closed", "/petitions/closed/embed"])
def test_a_closed_petition_says_it_is_closed(client, coordinator, page):
    text = text_of(client.get(page))
    assert CLOSED in text and NOT_YET not in text
    answer = client.post("/petitions/closed/sign", data={"name": "A", "email": "a@example.org"})
    assert answer.status_code == 409 and CLOSED in text_of(answer)
