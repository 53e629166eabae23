"""A coordinator writes a mailing, tests it, sends it; exactly the consenting people get it, and
one-click unsubscribe works by POST alone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.messaging.models import Mailing, MailingStatus, Suppression, SuppressionReason
from organiser.messaging.services.suppression import suppress
from organiser.people.models import ConsentSubject
from organiser.people.services import has_consent, record_consent, upsert_person
from tests.factories import PASSWORD, CoalitionFactory, user_with_role
from tests.helpers import body_of, csrf_token, path_of, sign_in, submit, text_of

SEGMENT = '{"kind": "coalition_supporters", "params": {}}'


@pytest.fixture
def sia(app):
    """SIA with a coordinator and supporters in every state of consent."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        other = CoalitionFactory(name="Fight Inequality Alliance", slug="fia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org", name="Coord")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")

        def person(email, name, *consents, tree=sia):
            p = upsert_person(tree.id, email, name=name)
            for subject_id, given in consents:
                record_consent(p, ConsentSubject.COALITION, subject_id, given=given, wording="Keep me posted")
            return p

        person("amina@example.org", "Amina", (sia.id, True))
        person("ben@example.org", "Ben", (sia.id, True), (sia.id, False))  # changed their mind
        person("chen@example.org", "Chen")  # signed something, never agreed to hear more
        person("dee@example.org", "Dee", (sia.id, True))
        suppress("dee@example.org", SuppressionReason.BOUNCED)
        person("eve@example.org", "Eve", (other.id, True), tree=other)  # another alliance's supporter
        person("fay@example.org", "", (sia.id, True))
        db.session.commit()
        return {"id": sia.id, "slug": sia.slug}


def _coordinator(app):
    client = app.test_client()
    assert sign_in(client, "coord@example.org", PASSWORD).status_code == 302
    return client


def _write(
    client, subject="Scrap the two-child limit", body="Hello {{ name }},\n\nWe need **you** at the assembly."
):
    return submit(
        client,
        "/coalitions/sia/mailings/new",
        {
            "subject": subject,
            "from_name": "",
            "reply_to": "team@example.org",
            "segments": SEGMENT,
            "body_markdown": body,
        },
    )


def _press(client, page_path, button_path):
    token = csrf_token(client.get(page_path).get_data(as_text=True))
    return client.post(button_path, data={"csrf_token": token}, follow_redirects=True)


def test_mailing_reaches_exactly_the_consenting_supporters(app, sia, mail):
    client = _coordinator(app)
    created = _write(client)
    assert created.status_code == 302
    page_path = created.location
    page = text_of(client.get(page_path))
    assert "2 people will get it" in page
    assert "1 more agreed but have unsubscribed from everything or their address bounced" in page

    mailing_id = int(page_path.rsplit("/", 1)[1])
    tested = _press(client, page_path, f"/mailings/{mailing_id}/test")
    assert "A test is on its way to coord@example.org" in text_of(tested)
    [test] = mail.wait_for(1)
    assert test["Subject"] == "[TEST] Scrap the two-child limit" and test["To"] == "coord@example.org"
    mail.clear()

    sent = _press(client, page_path, f"/mailings/{mailing_id}/start")
    assert "Sending has started" in text_of(sent)
    messages = mail.wait_for(2)
    assert sorted(str(m["To"]) for m in messages) == ["Amina <amina@example.org>", "fay@example.org"]
    amina = next(m for m in messages if "amina" in str(m["To"]))
    assert "Hello Amina," in body_of(amina)
    assert "Hello friend," in body_of(next(m for m in messages if "fay" in str(m["To"])))
    [sender] = amina["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Structural Inequalities Alliance",
        "no-reply@organiser.test",
    )
    assert amina["Reply-To"] == "team@example.org"
    assert amina["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert amina["List-Id"] == "Structural Inequalities Alliance <sia.localhost>"
    unsubscribe_url = re.fullmatch(r"<(.+)>", amina["List-Unsubscribe"]).group(1)
    assert unsubscribe_url in body_of(amina), "a visible unsubscribe link too"
    html = amina.get_body(preferencelist=("html",)).get_content()
    assert "<strong>you</strong>" in html

    status = text_of(client.get(page_path))
    assert "Sent" in status and "2 of 3 handled" not in status and "3 of 3 handled" in status
    with app.app_context():
        mailing = db.session.get(Mailing, mailing_id)
        assert mailing.status == MailingStatus.SENT and mailing.recipient_total == 3

    # A mail client's one-click unsubscribe: a bare POST, no cookie, no CSRF token.
    robot = app.test_client()
    assert robot.get(path_of(unsubscribe_url)).status_code == 200
    with app.app_context():
        person = upsert_person(sia["id"], "amina@example.org")
        assert has_consent(person.id, ConsentSubject.COALITION, sia["id"]), "a GET changes nothing"
    done = robot.post(path_of(unsubscribe_url), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in text_of(done)
    with app.app_context():
        assert not has_consent(person.id, ConsentSubject.COALITION, sia["id"])

    mail.clear()
    second = _write(client, subject="Second mailing")
    second_id = int(second.location.rsplit("/", 1)[1])
    assert "1 person will get it" in text_of(client.get(second.location))
    _press(client, second.location, f"/mailings/{second_id}/start")
    [only] = mail.wait_for(1)
    assert only["To"] == "fay@example.org"


def test_starting_twice_or_expanding_again_adds_nobody(app, sia, mail):
    from organiser.messaging.services.mailings import expand

    client = _coordinator(app)
    page_path = _write(client).location
    mailing_id = int(page_path.rsplit("/", 1)[1])
    _press(client, page_path, f"/mailings/{mailing_id}/start")
    mail.wait_for(2)
    again = _press(client, page_path, f"/mailings/{mailing_id}/start")
    assert "That cannot be done to this mailing now" in text_of(again)
    with app.app_context():
        mailing = db.session.get(Mailing, mailing_id)
        mailing.status = MailingStatus.SENDING  # as if a retried job ran the expansion again
        db.session.commit()
        assert expand(mailing_id) == 0
        db.session.commit()
    assert len(mail.messages) == 2


def test_unsubscribe_from_everything(app, sia, mail):
    from organiser.messaging.services.suppression import unsubscribe_token

    with app.app_context():
        fay = upsert_person(sia["id"], "fay@example.org")
        token = unsubscribe_token(fay.id, "coalition", sia["id"])
    client = app.test_client()
    page = client.get(f"/unsubscribe/{token}")
    assert "Stop e-mails from Structural Inequalities Alliance" in text_of(page)
    done = client.post(f"/unsubscribe/{token}", data={"scope": "everything"})
    assert "You will get no more campaign e-mails sent through Organiser" in text_of(done)
    with app.app_context():
        row = db.session.scalar(select(Suppression).where(Suppression.email == "fay@example.org"))
        assert row.reason == SuppressionReason.UNSUBSCRIBED
    assert client.get(f"/unsubscribe/{token}x").status_code == 404


def test_form_errors_are_shown_next_to_fields_and_nothing_is_saved(app, sia):
    client = _coordinator(app)
    response = submit(
        client,
        "/coalitions/sia/mailings/new",
        {"subject": "", "reply_to": "not an address", "body_markdown": ""},
    )
    text = text_of(response)
    assert response.status_code == 200 and text.startswith("Error:")
    for message in (
        "Enter a subject",
        "Choose at least one group of people",
        "Write the message",
        "Enter an e-mail address in the right format",
    ):
        assert message in text
    with app.app_context():
        assert db.session.scalar(select(Mailing)) is None


def test_scheduled_mailing_goes_out_when_due(app, sia, mail):
    from organiser.messaging.services.outbox import sweep_outbox

    client = _coordinator(app)
    page_path = _write(client).location
    mailing_id = int(page_path.rsplit("/", 1)[1])
    past = submit(client, f"/mailings/{mailing_id}/schedule", {"when": "2020-01-01T10:00"}, page=page_path)
    assert "Choose a time in the future" in text_of(past)
    when = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    scheduled = submit(
        client, f"/mailings/{mailing_id}/schedule", {"when": when}, page=page_path, follow=True
    )
    assert "Scheduled" in text_of(scheduled)
    with app.app_context():
        sweep_outbox()
        assert mail.messages == [], "not yet"
        db.session.get(Mailing, mailing_id).scheduled_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        sweep_outbox()
    assert len(mail.wait_for(2)) == 2


def test_cancel_and_pause_need_the_right_state(app, sia):
    client = _coordinator(app)
    page_path = _write(client).location
    mailing_id = int(page_path.rsplit("/", 1)[1])
    assert "That cannot be done" in text_of(_press(client, page_path, f"/mailings/{mailing_id}/pause"))
    assert "Cancelled" in text_of(_press(client, page_path, f"/mailings/{mailing_id}/cancel"))
    assert "That cannot be done" in text_of(_press(client, page_path, f"/mailings/{mailing_id}/resume"))


@pytest.mark.parametrize("who", ["other@example.org", None])
def test_another_coalitions_coordinator_cannot_see_or_send(app, sia, who, mail):
    client = _coordinator(app)
    page_path = _write(client).location
    mailing_id = int(page_path.rsplit("/", 1)[1])
    intruder = app.test_client()
    if who:
        sign_in(intruder, who, PASSWORD)
    expected = 403 if who else 302
    for path in (
        "/coalitions/sia/mailings",
        "/coalitions/sia/mailings/new",
        page_path,
        f"/mailings/{mailing_id}/edit",
    ):
        assert intruder.get(path).status_code == expected, path
    token = csrf_token(intruder.get("/account/sign-in" if not who else "/account").get_data(as_text=True))
    for action in ("start", "test", "cancel"):
        assert (
            intruder.post(f"/mailings/{mailing_id}/{action}", data={"csrf_token": token}).status_code
            == expected
        )
    assert mail.messages == []


def test_bounce_webhook_suppresses_hard_bounces_complaints_and_repeated_soft_bounces(app, config_override):
    config_override(BOUNCE_WEBHOOK_SECRET="s3cret-webhook")  # noqa: S106
    client = app.test_client()
    assert (
        client.post("/webhooks/bounces", json={"email": "x@example.org", "type": "hard"}).status_code == 401
    )
    bad = client.post(
        "/webhooks/bounces",
        json={"events": [{"email": "nope", "type": "odd"}]},
        headers={"Authorization": "Bearer s3cret-webhook"},
    )
    assert bad.status_code == 207 and bad.json["recorded"] == 0
    auth = {"Authorization": "Bearer s3cret-webhook"}
    ok = client.post(
        "/webhooks/bounces",
        headers=auth,
        json={
            "events": [
                {"email": "Hard@Example.org", "type": "hard", "detail": "550 5.1.1 user unknown"},
                {"email": "angry@example.org", "type": "complaint"},
                {"email": "full@example.org", "type": "soft"},
                {"email": "full@example.org", "type": "soft"},
            ]
        },
    )
    assert ok.json == {"recorded": 4, "suppressed": 2, "errors": []}
    third = client.post("/webhooks/bounces", headers=auth, json={"email": "full@example.org", "type": "soft"})
    assert third.json["suppressed"] == 1
    with app.app_context():
        reasons = dict(db.session.execute(select(Suppression.email, Suppression.reason)).all())
    assert reasons == {
        "hard@example.org": "bounced",
        "angry@example.org": "complained",
        "full@example.org": "bounced",
    }


def test_bounce_webhook_is_off_without_a_secret(client):
    assert (
        client.post("/webhooks/bounces", json={"email": "x@example.org", "type": "hard"}).status_code == 404
    )
