"""People's access to their own data: the link to their own page (sent only to an address we hold;
the form answers the same either way), everything held about a person record as plain data for that
page and its download (JSON or formula-safe CSV), and the consents they change there."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from organiser.coalitions.models import Coalition, Organisation
from organiser.db import db
from organiser.messaging.models import OutboxMessage, OutboxStatus
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person
from organiser.people.services import record_consent, supporter_email
from organiser.privacy.registry import personal_data_sources
from organiser.web.urls import external_url

log = logging.getLogger(__name__)


# ---- the own-data link ---------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="organiser.my-data")


def data_link_token(email: str) -> str:
    return _serializer().dumps(supporter_email(email))


def read_data_link_token(token: str) -> tuple[str | None, bool]:
    """(address, expired): the address the link was sent to, if it is genuine and still valid."""
    max_age = int(current_app.config["DATA_LINK_HOURS"]) * 3600
    try:
        return str(_serializer().loads(token, max_age=max_age)), False
    except SignatureExpired:
        return None, True
    except (BadSignature, ValueError, TypeError):
        return None, False


def people_with_email(email: str) -> list[Person]:
    """The person records with this address, one per coalition tree they acted in."""
    return list(
        db.session.scalars(select(Person).where(Person.email == supporter_email(email)).order_by(Person.id))
    )


def send_data_link(email: str) -> bool:
    """E-mail the link to the person's own page, if we hold anything under this address.

    Callers answer the same either way, so the form tells no one whether an address is known."""
    if not people_with_email(email):
        log.info("own-data link asked for an address we do not hold")
        return False
    from organiser.messaging.services import queue_email

    link = external_url("privacy.my_data", token=data_link_token(email))
    queue_email(
        to=supporter_email(email),
        subject=_("Your data on Organiser"),
        text=render_template(
            "privacy/email/data_link.txt", link=link, hours=current_app.config["DATA_LINK_HOURS"]
        ),
    )
    return True


# ---- what we hold --------------------------------------------------------------------------------


def subject_name(subject_type: str, subject_id: int) -> str:
    model = Coalition if subject_type == ConsentSubject.COALITION else Organisation
    row = db.session.get(model, subject_id)
    return row.name if row is not None else _("(removed)")


def consent_history(person: Person) -> list[ConsentEvent]:
    return list(
        db.session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.person_id == person.id)
            .order_by(ConsentEvent.created_at, ConsentEvent.id)
        )
    )


def consent_states(person: Person) -> list[ConsentState]:
    return list(
        db.session.scalars(
            select(ConsentState).where(ConsentState.person_id == person.id).order_by(ConsentState.id)
        )
    )


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def person_data(person: Person) -> dict[str, Any]:
    """Everything we hold about one person record, as plain data (their page and their download)."""
    tree = db.session.get(Coalition, person.tree_id)
    return {
        "coalition": tree.name if tree else "",
        "person": {
            "name": person.name,
            "email": person.email,
            "postcode": person.postcode,
            "region": person.region,
            "country": person.country or "",
            "language": person.language or "",
            "first_seen": _iso(person.created_at),
        },
        "consents": [
            {
                "who": subject_name(state.subject_type, state.subject_id),
                "channel": state.channel,
                "granted": state.granted,
                "since": _iso(state.updated_at),
            }
            for state in consent_states(person)
        ],
        "consent_history": [
            {
                "who": subject_name(event.subject_type, event.subject_id),
                "channel": event.channel,
                "given": event.given,
                "wording": event.wording,
                "source": event.source,
                "at": _iso(event.created_at),
            }
            for event in consent_history(person)
        ],
        "actions": {
            source.name: [{k: _iso(v) for k, v in row.items()} for row in source.collect(person)]
            for source in personal_data_sources()
        },
        "emails_sent": db.session.scalar(
            select(func.count()).where(  # this alliance's mail to them (each row names its person)
                OutboxMessage.person_id == person.id, OutboxMessage.status == OutboxStatus.SENT
            )
        ),
    }


def export_json(people: list[Person]) -> str:
    return json.dumps([person_data(p) for p in people], indent=2, ensure_ascii=False)


def export_csv(people: list[Person]) -> str:
    """The same data flattened into rows of (coalition, section, item, field, value); formula-safe
    (a name typed on a public form must not run in the person's spreadsheet)."""
    from organiser.web.downloads import to_csv

    rows: list[tuple[object, ...]] = []
    for data in (person_data(p) for p in people):
        where = data["coalition"]
        rows += [(where, "person", 1, field, value) for field, value in data["person"].items()]
        sections = {
            "consents": data["consents"],
            "consent_history": data["consent_history"],
            **data["actions"],
        }
        for section, items in sections.items():
            for n, row in enumerate(items, 1):
                rows += [(where, section, n, field, value) for field, value in row.items()]
        rows.append((where, "emails_sent", 1, "count", data["emails_sent"]))
    return to_csv(["coalition", "section", "item", "field", "value"], rows)


def change_consents(person: Person, wanted: dict[tuple[str, int], bool], *, source: str) -> int:
    """Record the consents the person changed (only real changes reach the ledger); returns how many."""
    current = {(s.subject_type, s.subject_id): s.granted for s in consent_states(person)}
    changed = 0
    for (subject_type, subject_id), granted in wanted.items():
        if (subject_type, subject_id) in current and current[(subject_type, subject_id)] != granted:
            wording = (
                _("I agree to hear from %(who)s by e-mail.", who=subject_name(subject_type, subject_id))
                if granted
                else ""
            )
            record_consent(
                person,
                ConsentSubject(subject_type),
                subject_id,
                given=granted,
                wording=wording,
                source=source,
            )
            changed += 1
    return changed
