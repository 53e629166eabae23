"""Thresholds: a coordinator sets them through the form, with what happens next; the petition's page
shows each, reached or not; reaching one tells the coordinators once, saying what happens next; the
response then recorded is published on the page and e-mailed to the signers who agreed, once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from organiser.actions.petitions.models import PetitionMilestone
from organiser.actions.petitions.thresholds.models import PetitionThreshold, ResponseMailing
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import OutboxMessage
from tests.factories import PASSWORD, CoalitionFactory, PetitionFactory, TargetFactory, user_with_role
from tests.helpers import body_of, csrf_token, links_in, path_of, sign_in, submit, text_of

PAGE = "/petitions/essentials"
THRESHOLDS = PAGE + "/thresholds"
RESPONSE = "We will set out our plans for an essentials guarantee in the spring."


@pytest.fixture
def coordinator(app):
    """SIA's open petition to the Chancellor, and its coordinator signed in."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        chancellor = TargetFactory(coalition_id=sia.id, name="Rachel Reeves", role="Chancellor")
        petition = PetitionFactory(
            coalition_id=sia.id,
            title="An essentials guarantee",
            slug="essentials",
            ask="Guarantee essentials.",
        )
        petition.targets = [chancellor]
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    return client


def _sign(app, mail, email: str, *, agree: bool) -> None:
    visitor = app.test_client()
    data = {"name": email.split("@")[0].title(), "email": email}
    visitor.post(PAGE + "/sign", data={**data, "consent_coalition": "y"} if agree else data)
    [message] = mail.wait_for_to(email)
    visitor.post(path_of(links_in(message)[0]))


def _reached_mail(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.recipient, OutboxMessage.body_text).where(
                OutboxMessage.subject.contains("has reached")
            )
        ).all()
        return [tuple(r) for r in rows]


def test_thresholds_show_what_happens_next_tell_once_and_the_response_reaches_who_agreed(
    app, coordinator, mail
):
    zero = submit(coordinator, THRESHOLDS, {"signatures": "0", "next_step": "response"})
    assert "Enter a number from 1 to 100,000,000" in text_of(zero) and text_of(zero).startswith("Error:")
    vague = submit(coordinator, THRESHOLDS, {"signatures": "4", "next_step": "other", "details": ""})
    assert "Say what happens" in text_of(vague)
    details = "We ask the Chancellor to reply within 30 days."
    submit(coordinator, THRESHOLDS, {"signatures": "2", "next_step": "response", "details": details})
    saved = submit(coordinator, THRESHOLDS, {"signatures": "4", "next_step": "debate"}, follow=True)
    assert "Threshold saved." in text_of(saved)
    twice = submit(coordinator, THRESHOLDS, {"signatures": "2", "next_step": "debate"})
    assert "There is a threshold at 2 signatures already." in text_of(twice)

    page = text_of(app.test_client().get(PAGE))
    assert f"At 2 signatures: The decision-maker is asked for a response: {details} · 2 more" in page
    assert "At 4 signatures: The coalition requests a debate or a meeting · 4 more signatures needed" in page
    early = submit(coordinator, PAGE + "/responses", {"target": "0", "text": "Too early"}, follow=True)
    assert "Responses can be recorded once the petition is delivered" in text_of(early)

    _sign(app, mail, "agreed@example.org", agree=True)
    assert _reached_mail(app) == []
    _sign(app, mail, "quiet@example.org", agree=False)
    [(to, body)] = _reached_mail(app)
    assert to == "coord@example.org"
    assert (
        f"At 2 signatures, what happens next: The decision-maker is asked for a response: {details}" in body
    )
    page = text_of(app.test_client().get(PAGE))
    assert "At 2 signatures: The decision-maker is asked for a response" in page and "reached on" in page

    form = coordinator.get(PAGE + "/responses").get_data(as_text=True)
    target_id = form.split('<option value="')[2].split('"')[0]  # the first after "Choose who responded"
    mail.clear()
    recorded = submit(coordinator, PAGE + "/responses", {"target": target_id, "text": RESPONSE}, follow=True)
    assert "The response is recorded" in text_of(recorded)
    public = text_of(app.test_client().get(PAGE))
    assert f"Response Rachel Reeves, Chancellor {RESPONSE}" in public, "published before any delivery"
    [told] = mail.wait_for_to("agreed@example.org")
    assert told["Subject"] == "Rachel Reeves responded to “An essentials guarantee”"
    assert RESPONSE in body_of(told) and "/petitions/essentials" in body_of(told)
    submit(coordinator, PAGE + "/responses", {"target": target_id, "text": RESPONSE + " Corrected."})
    with app.app_context():
        recipients = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.subject.contains("responded to"))
        ).all()
        assert recipients == ["agreed@example.org"], "only the signer who agreed, and once"
        assert db.session.scalar(select(func.count()).select_from(ResponseMailing)) == 1

    listed = coordinator.get(THRESHOLDS)
    four = next(t for t in text_of(listed).split("At ") if t.startswith("4 signatures"))
    assert "not reached yet" in four
    with app.app_context():
        four_id = db.session.scalar(select(PetitionThreshold.id).where(PetitionThreshold.signatures == 4))
    removed = coordinator.post(
        f"{THRESHOLDS}/{four_id}/remove",
        data={"csrf_token": csrf_token(listed.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert "Threshold removed." in text_of(removed)
    assert "At 4 signatures" not in text_of(app.test_client().get(PAGE))
    with app.app_context():
        assert sorted(db.session.scalars(select(PetitionMilestone.threshold))) == [2]
