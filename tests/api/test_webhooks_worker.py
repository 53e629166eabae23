"""With Redis and a real RQ worker process: a signature signed through the public form and confirmed by
the e-mailed link reaches the receiver, signed, through the worker's sweep and its delivery job."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from organiser.api.webhooks.services import register
from organiser.coalitions.models import Coalition
from organiser.db import db
from tests.api.test_webhooks import Receiver, _verified
from tests.factories import CoalitionFactory, PetitionFactory
from tests.helpers import links_in, path_of, text_of

pytestmark = pytest.mark.worker


@pytest.fixture
def webhook_settings(monkeypatch, live) -> Iterator[Receiver]:
    """The worker process (started after this) may send to this computer, reads rows at once and
    sweeps every second; so may the web app; and a receiver listens."""
    for name, value in (
        ("WEBHOOKS_ALLOW_PRIVATE", "1"),
        ("WEBHOOKS_SETTLE_SECONDS", "0"),
        ("SWEEP_INTERVAL", "1"),
    ):
        monkeypatch.setenv(f"ORGANISER_{name}", value)
    saved = live.config["WEBHOOKS_ALLOW_PRIVATE"]
    live.config["WEBHOOKS_ALLOW_PRIVATE"] = True
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    live.config["WEBHOOKS_ALLOW_PRIVATE"] = saved


def test_a_real_worker_delivers_a_confirmed_signature(webhook_settings, live, rq_worker, mail):
    receiver = webhook_settings
    with live.app_context():
        sia = CoalitionFactory(slug="sia")
        PetitionFactory(coalition_id=sia.id, slug="fair-tax", title="Tax wealth fairly")
        secret = register(db.session.get(Coalition, sia.id), receiver.url, ["signature"], by=None).secret
        db.session.commit()
    visitor = live.test_client()
    signed = visitor.post(
        "/petitions/fair-tax/sign", data={"name": "Grace Hughes", "email": "grace@example.org"}
    )
    assert "check your e-mail" in text_of(signed).lower()
    [message] = mail.wait_for_to("grace@example.org")
    assert visitor.post(path_of(links_in(message)[0])).status_code == 200
    deadline = time.monotonic() + 30
    while not receiver.received:
        assert time.monotonic() < deadline, "no delivery within 30 seconds"
        time.sleep(0.1)
    [(headers, body)] = receiver.received
    assert _verified(secret, headers, body)
    person = json.loads(body)["osdi:signature"]["_embedded"]["osdi:person"]
    assert person["email_addresses"][0]["address"] == "grace@example.org"
