"""Webhooks, end to end: a coordinator registers a real HTTP receiver through the page, a visitor signs
through the public form and confirms by the e-mailed link, the sweep makes the delivery and the job
sends it, signed; a failing receiver is tried again with the same idempotency key; "send a test" works
from the page; an organisation is sent only the signers who agreed to hear from it."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from organiser.actions.petitions.models import PetitionSponsor, SponsorStatus
from organiser.api.webhooks import delivery
from organiser.api.webhooks.delivery import collect, forget_old, hand_out_due
from organiser.api.webhooks.models import WebhookAttempt, WebhookDelivery
from organiser.api.webhooks.services import register
from organiser.coalitions.models import MembershipStatus
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.messaging.services.suppression import unsubscribe
from organiser.people.models import ConsentSubject, Person
from tests.factories import (
    PASSWORD,
    AssemblyFactory,
    CoalitionFactory,
    LetterCampaignFactory,
    LetterFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PetitionFactory,
    RegistrationFactory,
    SignatureFactory,
    user_with_role,
)
from tests.helpers import links_in, path_of, sign_in, submit, text_of

PETITION = "/petitions/fair-taxes"


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers each POST with the next status given (then 200)."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers.items()), body))
                receiver.paths.append(self.path)
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/organiser"

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _headers, body in self.received]


@pytest.fixture
def receiver(config_override) -> Iterator[Receiver]:
    config_override(WEBHOOKS_ALLOW_PRIVATE=True, WEBHOOKS_SETTLE_SECONDS=0)
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def world(app):
    """SIA with a coordinator, an open petition, and a member organisation (with its admin) that
    co-sponsors it with the tracking code "wbg"."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        petition = PetitionFactory(coalition_id=sia.id, slug="fair-taxes", title="Fair taxes")
        wbg = OrganisationFactory(name="Women's Budget Group", slug="wbg")
        MembershipFactory(organisation=wbg, coalition=sia, status=MembershipStatus.ACTIVE)
        user_with_role(Role.ORGANISATION_ADMIN, wbg.id, email="wbg.admin@example.org")
        db.session.add(
            PetitionSponsor(
                petition_id=petition.id, organisation_id=wbg.id, code="wbg", status=SponsorStatus.ACCEPTED
            )
        )
        db.session.commit()


def _signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def _register(client, page: str, url: str, *events: str) -> str:
    """Add a webhook through the page; returns the secret it showed (once)."""
    created = submit(client, page, {"url": url, "events": list(events)})
    assert created.status_code == 200, text_of(created)
    assert created.headers["Cache-Control"] == "private, no-store"
    return re.search(r'<code id="secret">([^<]+)</code>', created.get_data(as_text=True)).group(1)


def _sign(app, mail, email: str, *, source: str = "", **choices: str) -> None:
    """Sign through the public form (with the tracking link's code) and confirm by the e-mailed link."""
    visitor = app.test_client()
    mail.clear()
    assert visitor.get(PETITION + (f"?source={source}" if source else "")).status_code == 200
    data = {
        "name": email.split("@")[0].title() + " Banda",
        "email": email,
        "region": "Leeds",
        "country": "GB",
    }
    visitor.post(PETITION + "/sign", data={**data, "source": source, **choices})
    [message] = mail.wait_for_to(email)
    assert "Thank you for signing" in text_of(visitor.post(path_of(links_in(message)[0])))


def _sweep(app, *, later: timedelta = timedelta(0)) -> None:
    """One pass of the webhooks' sweep, committed: the sending jobs run (in-process) after the commit."""
    with app.app_context():
        collect()
        hand_out_due(utcnow() + later)
        db.session.commit()


def _verified(secret: str, headers: dict[str, str], body: bytes) -> bool:
    fields = dict(part.split("=", 1) for part in headers["Organiser-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def test_a_confirmed_signature_reaches_the_receiver_signed_and_a_failure_is_tried_again(
    app, world, receiver, mail
):
    coordinator = _signed_in(app, "coord@example.org")
    secret = _register(coordinator, "/coalitions/sia/webhooks", receiver.url, "signature", "unsubscribe")
    receiver.statuses = [500]  # the first attempt fails
    _sign(app, mail, "alice@example.org", consent_coalition="y")
    assert receiver.received == []  # nothing on the sign path: the sweep makes the delivery
    _sweep(app)
    [(headers, body)] = receiver.received
    assert _verified(secret, headers, body)
    assert not _verified(secret + "x", headers, body)
    first = json.loads(body)
    assert first["event"] == "signature.created"
    person = first["osdi:signature"]["_embedded"]["osdi:person"]
    assert (person["given_name"], person["family_name"]) == ("Alice", "Banda")
    assert person["email_addresses"][0]["address"] == "alice@example.org"
    assert person["identifiers"][0].startswith("organiser:")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["osdi:signature"]["created_date"])
    assert first["osdi:petition"]["browser_url"].endswith(PETITION)
    assert headers["Idempotency-Key"] == first["idempotency_key"]
    page = text_of(coordinator.get(_webhook_page(app, "/coalitions/sia")))
    assert "Waiting to be sent" in page and "500" in page

    _sweep(app)  # not due yet: nothing is sent again
    assert len(receiver.received) == 1
    _sweep(app, later=timedelta(minutes=2))  # one minute later, it is tried again and delivered
    assert [b["idempotency_key"] for b in receiver.bodies()] == [first["idempotency_key"]] * 2
    with app.app_context():
        [delivery] = db.session.scalars(select(WebhookDelivery)).all()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
        codes = db.session.scalars(select(WebhookAttempt.status_code).order_by(WebhookAttempt.id)).all()
        assert codes == [500, 200]
    _sweep(app, later=timedelta(hours=1))  # delivered: never sent again, and no new event
    assert len(receiver.received) == 2


def _webhook_page(app, owner: str) -> str:
    with app.app_context():
        delivery_webhook = db.session.scalars(select(WebhookDelivery.webhook_id)).first()
    return f"{owner}/webhooks/{delivery_webhook}"


def test_send_a_test_from_the_page_and_see_its_result(app, world, receiver):
    admin = _signed_in(app, "wbg.admin@example.org")
    secret = _register(admin, "/organisations/wbg/webhooks", receiver.url, "signature")
    listing = admin.get("/organisations/wbg/webhooks")
    [link] = re.findall(r'href="(/organisations/wbg/webhooks/\d+)"', listing.get_data(as_text=True))
    page = admin.get(link)
    assert secret not in page.get_data(as_text=True)  # shown once, when it was made
    assert (
        _signed_in(app, "coord@example.org")
        .get(link.replace("/organisations/wbg", "/coalitions/sia"))
        .status_code
        == 404
    )
    sent = submit(admin, link + "/test", {}, page=link, follow=True)
    assert "A test is on its way" in text_of(sent)
    [(headers, body)] = receiver.received
    assert _verified(secret, headers, body) and json.loads(body)["event"] == "test"
    assert "Delivered" in text_of(sent) and "200" in text_of(sent)


def test_an_organisation_is_sent_only_the_signers_who_agreed_to_hear_from_it(app, world, receiver, mail):
    admin = _signed_in(app, "wbg.admin@example.org")
    _register(admin, "/organisations/wbg/webhooks", receiver.url, "signature", "unsubscribe")
    receiver.statuses = [500]  # Alice's signature is not delivered at the first attempt
    _sign(app, mail, "alice@example.org", source="wbg", consent_sponsor="y")
    _sign(app, mail, "bob@example.org", source="wbg")  # came by its link, did not agree
    _sign(app, mail, "carol@example.org", consent_coalition="y", consent_sponsor="y")  # not by its link
    _sweep(app)
    emails = [
        b["osdi:signature"]["_embedded"]["osdi:person"]["email_addresses"][0]["address"]
        for b in receiver.bodies()
    ]
    assert emails == ["alice@example.org"]
    # Only what the sponsor's export shows: no comment, no postcode, no language.
    [signature] = [b["osdi:signature"] for b in receiver.bodies()]
    assert "comments" not in signature
    assert signature["_embedded"]["osdi:person"]["postal_addresses"] == [{"region": "Leeds", "country": "GB"}]
    assert "languages_spoken" not in signature["_embedded"]["osdi:person"]

    with app.app_context():
        people = {p.email: p for p in db.session.scalars(select(Person))}
        wbg = db.session.scalar(select(PetitionSponsor.organisation_id))
        unsubscribe(
            people["alice@example.org"], ConsentSubject.ORGANISATION, wbg, everything=False, source="link"
        )
        # A "no" from someone who never said yes tells the organisation nothing.
        unsubscribe(
            people["bob@example.org"], ConsentSubject.ORGANISATION, wbg, everything=False, source="link"
        )
        db.session.commit()
    _sweep(app, later=timedelta(minutes=2))
    # Her signature, due again, is not sent: she no longer agrees to hear from the organisation.
    [gone] = receiver.bodies()[1:]
    assert gone["event"] == "person.unsubscribed"
    with app.app_context():
        statuses = db.session.scalars(select(WebhookDelivery.status).order_by(WebhookDelivery.id)).all()
        assert statuses == ["dropped", "delivered"]
    assert gone["osdi:person"]["email_addresses"][0] == {
        "address": "alice@example.org",
        "primary": True,
        "status": "unsubscribed",
    }


def test_letters_and_registrations_reach_the_alliance_and_only_their_own_chapter(app, receiver):
    with app.app_context():
        sia = CoalitionFactory(slug="sia")
        leeds = CoalitionFactory(slug="sia-leeds", parent=sia)
        register(sia, receiver.url + "?for=sia", ["outreach", "attendance"], by=None)
        register(leeds, receiver.url + "?for=leeds", ["outreach", "attendance"], by=None)
        person = PersonFactory(tree_id=sia.id, email="chipo@example.org", name="Chipo Mwale")
        done = {"person_id": person.id, "status": "confirmed", "confirmed_at": utcnow()}
        LetterFactory(campaign_id=LetterCampaignFactory(coalition_id=leeds.id).id, **done)
        LetterFactory(campaign_id=LetterCampaignFactory(coalition_id=sia.id).id, **done)
        LetterFactory(
            campaign_id=LetterCampaignFactory(coalition_id=sia.id).id, person_id=person.id
        )  # pending
        RegistrationFactory(assembly_id=AssemblyFactory(coalition_id=sia.id).id, email=person.email, **done)
        db.session.commit()
    _sweep(app)
    got = sorted(
        (path.rsplit("=", 1)[1], body["event"])
        for path, body in zip(receiver.paths, receiver.bodies(), strict=True)
    )
    assert got == [
        ("leeds", "outreach.created"),
        ("sia", "attendance.created"),
        ("sia", "outreach.created"),
        ("sia", "outreach.created"),
    ]
    attendance = next(b for b in receiver.bodies() if b["event"] == "attendance.created")
    assert attendance["osdi:attendance"]["_embedded"]["osdi:person"]["given_name"] == "Chipo"
    assert re.fullmatch(r"http://localhost/assemblies/assembly-\d+", attendance["osdi:event"]["browser_url"])
    outreach = next(b for b in receiver.bodies() if b["event"] == "outreach.created")
    assert outreach["osdi:outreach"]["subject"] == "Please act"


def test_finished_deliveries_are_forgotten_after_thirty_days(app):
    with app.app_context():
        webhook = register(CoalitionFactory(), "https://93.184.216.34/hooks", ["signature"], by=None)
        month_ago = utcnow() - timedelta(days=31)
        for key, status, created in (
            ("old-done", "delivered", month_ago),
            ("old-waiting", "pending", month_ago),
            ("new-done", "delivered", utcnow()),
        ):
            db.session.add(
                WebhookDelivery(
                    webhook_id=webhook.id, kind="test", idempotency_key=key, status=status, created_at=created
                )
            )
        db.session.flush()
        forget_old()
        kept = db.session.scalars(select(WebhookDelivery.idempotency_key).order_by(WebhookDelivery.id)).all()
        assert kept == ["old-waiting", "new-done"]


def test_a_surge_is_read_in_batches_each_row_once(app, monkeypatch):
    monkeypatch.setattr(delivery, "BATCH", 2)
    with app.app_context():
        sia = CoalitionFactory()
        webhook = register(sia, "https://93.184.216.34/hooks", ["signature"], by=None)
        petition = PetitionFactory(coalition_id=sia.id)
        later = utcnow() + timedelta(seconds=1)  # all confirmed at the same moment: the id breaks the tie
        for n in range(5):
            person = PersonFactory(tree_id=sia.id, email=f"p{n}@example.org")
            SignatureFactory(petition_id=petition.id, person_id=person.id, confirmed_at=later)
        db.session.flush()
        assert collect(later + timedelta(minutes=1)) == 5
        assert collect(later + timedelta(minutes=2)) == 0
        sources = db.session.scalars(
            select(WebhookDelivery.source_id).where(WebhookDelivery.webhook_id == webhook.id)
        )
        assert len(set(sources)) == 5
