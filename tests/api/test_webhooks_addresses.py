"""A webhook cannot be aimed at the platform's own network: private, loopback, link-local and other
non-public addresses (IPv4 and IPv6, IPv4 inside IPv6) are refused next to the field, a name that
resolves to one (``localhost``) too, and again at delivery time; redirects are never followed."""

from __future__ import annotations

import ipaddress
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from organiser.api.webhooks.addresses import is_public
from organiser.api.webhooks.models import Webhook, WebhookDelivery
from organiser.db import db
from tests.api import test_webhooks as hooks
from tests.api.test_webhooks import _register, _signed_in, _sweep
from tests.helpers import submit, text_of

world, receiver = hooks.world, hooks.receiver  # the same fixtures

NOT_PUBLIC = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_a_non_public_address_is_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8"])
def test_a_public_address_is(address):
    assert is_public(ipaddress.ip_address(address))


def test_a_private_address_is_refused_next_to_the_field_with_the_setting_off(app, world, config_override):
    config_override(WEBHOOKS_ALLOW_PRIVATE=False)
    coordinator = _signed_in(app, "coord@example.org")
    refused = {
        "https://localhost/hooks": "private or local network",  # a name resolving to 127.0.0.1
        "https://127.0.0.1:8443/hooks": "private or local network",
        "https://[::ffff:127.0.0.1]/hooks": "private or local network",
        "https://10.1.2.3/hooks": "private or local network",
        "https://169.254.169.254/latest/meta-data": "private or local network",
        "https://[::1]/": "private or local network",
        "http://crm.example.org/hooks": "must start with https://",
        "ftp://crm.example.org/hooks": "must start with https://",
        "https://user:pw@crm.example.org/hooks": "user name and password",
        "https://no-such-host.invalid/hooks": "could not be found",
    }
    for url, message in refused.items():
        page = submit(coordinator, "/coalitions/sia/webhooks", {"url": url, "events": "signature"})
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert 'id="url-error"' in html and message in text_of(page), url
        assert text_of(page).startswith("Error:") or "<title>Error:" in html
    with app.app_context():
        assert db_count(Webhook) == 0


def db_count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_address_is_checked_again_when_sent_and_redirects_are_not_followed(
    app, world, receiver, config_override
):
    admin = _signed_in(app, "wbg.admin@example.org")
    _register(admin, "/organisations/wbg/webhooks", receiver.url, "signature")
    link = "/organisations/wbg/webhooks/" + str(_only_webhook(app))
    receiver.statuses = [302]
    sent = submit(admin, link + "/test", {}, page=link, follow=True)
    assert "302" in text_of(sent)  # recorded as a failure; the redirect was not followed
    assert len(receiver.received) == 1

    config_override(WEBHOOKS_ALLOW_PRIVATE=False)  # as in production: the receiver is on 127.0.0.1
    with app.app_context():  # as if its name now resolved to this computer (https, to pass the scheme)
        webhook = db.session.get(Webhook, _only_webhook(app))
        webhook.url = receiver.url.replace("http://127.0.0.1", "https://localhost")
        db.session.commit()
    _sweep(app, later=timedelta(minutes=2))
    assert len(receiver.received) == 1  # never reached
    page = text_of(admin.get(link))
    assert "private or local network" in page
    with app.app_context():
        [delivery] = _deliveries()
        assert (delivery.attempts, delivery.status, delivery.last_status_code) == (2, "pending", None)
    assert json.loads(receiver.received[0][1])["event"] == "test"


def _only_webhook(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Webhook.id))


def _deliveries() -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery)))
