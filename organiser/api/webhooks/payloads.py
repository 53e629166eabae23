"""The JSON each delivery carries, OSDI-shaped (as Action Network's webhooks are): the record under
its OSDI name (``osdi:signature``, ``osdi:outreach``, ``osdi:attendance``) with the person embedded,
the event's type, and an ``idempotency_key`` that stays the same over every attempt.

Built when sent, from the row the delivery names: None when that row or its person is gone (erased),
or, for an organisation, when the person no longer agrees to hear from it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from organiser.actions.letters.models import Letter
from organiser.actions.petitions.models import Signature
from organiser.api.webhooks.events import FEEDS, may_be_handed_to
from organiser.api.webhooks.models import EventKind, Webhook, WebhookDelivery
from organiser.assemblies.models import Registration
from organiser.db import as_utc, db, utcnow
from organiser.people.models import ConsentEvent, Person
from organiser.web.urls import external_url

ORIGIN = "Organiser"
EVENT_TYPES = {
    EventKind.SIGNATURE: "signature.created",
    EventKind.OUTREACH: "outreach.created",
    EventKind.ATTENDANCE: "attendance.created",
    EventKind.UNSUBSCRIBE: "person.unsubscribed",
    EventKind.TEST: "test",
}


def iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z, as OSDI writes times."""
    stamp = as_utc(value)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else None


def _ids(value: int) -> list[str]:
    return [f"organiser:{value}"]


def person_record(person: Person, *, full: bool, subscribed: bool | None = None) -> dict[str, Any]:
    """The person, OSDI-shaped. Not ``full`` (an organisation's webhook): only what the sponsor's
    export gives it — name, e-mail address, region and country."""
    given, _, family = person.name.strip().partition(" ")
    email: dict[str, Any] = {"address": person.email, "primary": True}
    if subscribed is not None:
        email["status"] = "subscribed" if subscribed else "unsubscribed"
    address = {"region": person.region, "country": person.country or ""}
    record = {
        "identifiers": _ids(person.id),
        "created_date": iso(person.created_at),
        "given_name": given,
        "family_name": family.strip(),
        "email_addresses": [email],
        "postal_addresses": [{"postal_code": person.postcode, **address} if full else address],
    }
    if full:
        record["languages_spoken"] = [person.language] if person.language else []
    return record


def _action(kind: str, item: Any, endpoint: str) -> dict[str, Any]:
    return {
        "identifiers": _ids(item.id),
        "title": item.title,
        "browser_url": external_url(endpoint, slug=item.slug),
        "kind": kind,
    }


def _signature(row: Signature, person: Person, full: bool) -> dict[str, Any]:
    return {
        "osdi:signature": {
            "identifiers": _ids(row.id),
            "created_date": iso(row.confirmed_at),
            "modified_date": iso(row.confirmed_at),
            "origin_system": ORIGIN,
            **({"comments": row.comment, "referrer_data": {"source": row.source}} if full else {}),
            "_embedded": {"osdi:person": person_record(person, full=full)},
        },
        "osdi:petition": _action("petition", row.petition, "petitions.petition"),
    }


def _outreach(row: Letter, person: Person, full: bool) -> dict[str, Any]:
    target = row.target
    return {
        "osdi:outreach": {
            "identifiers": _ids(row.id),
            "created_date": iso(row.confirmed_at),
            "modified_date": iso(row.confirmed_at),
            "origin_system": ORIGIN,
            "type": "email",
            # The letter itself is the writer's and the coalition's; a sponsor's export never shows it.
            **(
                {"subject": row.subject, "message": row.body, "referrer_data": {"source": row.source}}
                if full
                else {}
            ),
            "targets": [{"identifiers": _ids(target.id), "name": target.name, "title": target.role}]
            if target
            else [],
            "_embedded": {"osdi:person": person_record(person, full=full)},
        },
        "osdi:advocacy_campaign": _action("letter_campaign", row.campaign, "letters.campaign"),
    }


def _attendance(row: Registration, person: Person, full: bool) -> dict[str, Any]:
    return {
        "osdi:attendance": {
            "identifiers": _ids(row.id),
            "created_date": iso(row.confirmed_at),
            "modified_date": iso(row.confirmed_at),
            "origin_system": ORIGIN,
            "status": "accepted" if row.status != "waitlisted" else "tentative",
            "_embedded": {"osdi:person": person_record(person, full=full)},
        },
        "osdi:event": _action("assembly", row.assembly, "assemblies.public"),
    }


def _unsubscribe(row: ConsentEvent, person: Person, full: bool) -> dict[str, Any]:
    return {
        "osdi:person": person_record(person, full=full, subscribed=False),
        "unsubscribed_date": iso(row.created_at),
        "subject": {"type": str(row.subject_type), "identifiers": _ids(row.subject_id)},
    }


_BUILDERS: dict[EventKind, tuple[type, Any]] = {
    EventKind.SIGNATURE: (Signature, _signature),
    EventKind.OUTREACH: (Letter, _outreach),
    EventKind.ATTENDANCE: (Registration, _attendance),
    EventKind.UNSUBSCRIBE: (ConsentEvent, _unsubscribe),
}


def _still_in_scope(delivery: WebhookDelivery, webhook: Webhook) -> bool:
    """The row still exists, with its person, and is still one the webhook may be told of."""
    feed = FEEDS[delivery.kind]
    return bool(db.session.scalar(select(feed.id).where(feed.id == delivery.source_id, *feed.scope(webhook))))


def _record(delivery: WebhookDelivery, webhook: Webhook) -> dict[str, Any] | None:
    if delivery.kind == EventKind.TEST:
        return {"message": "A test from Organiser: this webhook works.", "webhook": _ids(webhook.id)}
    if not _still_in_scope(delivery, webhook):
        return None
    model, build = _BUILDERS[delivery.kind]
    row = db.session.get(model, delivery.source_id)
    person = db.session.get(Person, row.person_id) if row is not None and row.person_id else None
    if person is None:
        return None
    return build(row, person, webhook.organisation_id is None)  # type: ignore[no-any-return]


def body_of(delivery: WebhookDelivery) -> bytes | None:
    """The delivery's JSON body, or None if there is nothing left to send."""
    record = _record(delivery, delivery.webhook)
    if record is None:
        return None
    document = {
        "event": EVENT_TYPES[delivery.kind],
        "idempotency_key": delivery.idempotency_key,
        "created_date": iso(delivery.created_at),
        "sent_date": iso(utcnow()),
        **record,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


__all__ = ["body_of", "may_be_handed_to"]
