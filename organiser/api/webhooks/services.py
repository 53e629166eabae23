"""The webhooks' operations, for the pages (and the API) alike: register, change the events, disable or
enable, delete, and the recent deliveries. They flush, never commit."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from sqlalchemy import delete, select

from organiser.api.webhooks.delivery import start_cursors
from organiser.api.webhooks.models import SUBSCRIBABLE, Webhook, WebhookCursor, WebhookDelivery
from organiser.coalitions.models import Coalition, Organisation
from organiser.db import db

log = logging.getLogger(__name__)

RECENT = 25  # deliveries listed on a webhook's page


def _owner_filter(owner: Coalition | Organisation) -> Any:
    if isinstance(owner, Coalition):
        return Webhook.coalition_id == owner.id
    return Webhook.organisation_id == owner.id


def webhooks_of(owner: Coalition | Organisation) -> list[Webhook]:
    return list(db.session.scalars(select(Webhook).where(_owner_filter(owner)).order_by(Webhook.id)))


def webhook_of(owner: Coalition | Organisation, webhook_id: int) -> Webhook | None:
    """The owner's webhook with this id (None for another owner's)."""
    return db.session.scalar(select(Webhook).where(Webhook.id == webhook_id, _owner_filter(owner)))


def _events(chosen: list[str]) -> list[str]:
    return [kind.value for kind in SUBSCRIBABLE if kind.value in chosen]


def register(owner: Coalition | Organisation, url: str, events: list[str], *, by: Any) -> Webhook:
    """A new webhook with a new secret; it is told of what happens from now on."""
    webhook = Webhook(url=url, events=_events(events), secret="whsec_" + secrets.token_hex(24))
    if isinstance(owner, Coalition):
        webhook.coalition_id = owner.id
    else:
        webhook.organisation_id = owner.id
    webhook.created_by_id = getattr(by, "id", None)
    db.session.add(webhook)
    db.session.flush()
    start_cursors(webhook, webhook.events)
    log.info(
        "webhook %s to %s registered for %s by %s",
        webhook.id,
        url,
        type(owner).__name__,
        webhook.created_by_id,
    )
    return webhook


def change_events(webhook: Webhook, events: list[str], *, by: Any) -> None:
    """A kind added is read from now on; a kind removed forgets where it was."""
    webhook.events = _events(events)
    db.session.execute(
        delete(WebhookCursor).where(
            WebhookCursor.webhook_id == webhook.id, WebhookCursor.kind.not_in(webhook.events)
        )
    )
    start_cursors(webhook, webhook.events)
    log.info("webhook %s now sends %s (by %s)", webhook.id, ",".join(webhook.events), getattr(by, "id", None))


def set_enabled(webhook: Webhook, enabled: bool, *, by: Any) -> None:
    """Disabled, it is told of nothing; enabled again, it resumes from now (not from where it stopped)."""
    if enabled and not webhook.enabled:
        db.session.execute(delete(WebhookCursor).where(WebhookCursor.webhook_id == webhook.id))
        db.session.flush()
        start_cursors(webhook, webhook.events)
    webhook.enabled = enabled
    db.session.flush()
    log.info("webhook %s %s by %s", webhook.id, "enabled" if enabled else "disabled", getattr(by, "id", None))


def remove(webhook: Webhook, *, by: Any) -> None:
    log.info("webhook %s to %s deleted by %s", webhook.id, webhook.url, getattr(by, "id", None))
    db.session.delete(webhook)
    db.session.flush()


def recent_deliveries(webhook: Webhook) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(RECENT)
        )
    )
