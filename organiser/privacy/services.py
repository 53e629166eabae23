"""People's own data, erasure that keeps the counts, retention, and the log of personal-data exports.

Erasure removes a person (and their consent ledger) and has every package that registered personal
data (``organiser.privacy.registry``) anonymise its rows in place — a signature stays as an
anonymous confirmed row, so petition counts, breakdowns by country and recounts stay right. Outbox
rows lose the address and the body; the address survives only as a salted hash on the suppression
list (reason "erased"), so an import cannot quietly add the person back.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, exists, func, select, update

from organiser.coalitions.models import Coalition, Organisation
from organiser.db import db, utcnow
from organiser.messaging.models import (
    MailEvent,
    OutboxAttachment,
    OutboxMessage,
    OutboxStatus,
    Suppression,
    SuppressionReason,
)
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person
from organiser.people.services import record_consent, supporter_email
from organiser.privacy.models import DataExport, Erasure, RetentionRun
from organiser.privacy.registry import personal_data_sources
from organiser.web.urls import external_url

log = logging.getLogger(__name__)
ERASED = "erased"  # the suppression reason, and what erased outbox rows show as their recipient


# ---- the salted hash that keeps erased people off the lists -------------------------------------


def address_hash(email: str) -> str:
    salt = current_app.config.get("PRIVACY_HASH_SALT") or current_app.config["SECRET_KEY"]
    digest = hmac.new(salt.encode(), supporter_email(email).encode(), hashlib.sha256).hexdigest()
    return f"hash:{digest}"


def was_erased(email: str) -> bool:
    """Whether this address belonged to someone who asked to be erased (imports must skip them)."""
    return (
        db.session.scalar(select(Suppression.id).where(Suppression.email == address_hash(email))) is not None
    )


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


# ---- erasure -------------------------------------------------------------------------------------


_SCRUBBED = {
    "recipient": ERASED,
    "recipient_name": "",
    "subject": "",
    "headers": {},
    "body_text": None,
    "body_html": None,
    "last_error": None,  # a refusal usually quotes the address
    "smtp_reply": None,
}


def _scrub_outbox(condition: Any) -> int:
    """Outbox rows keep their status (mailing statistics stay right) but lose everything personal;
    those still waiting are cancelled."""
    db.session.execute(
        update(OutboxMessage)
        .where(condition, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(
        update(OutboxMessage)
        .where(condition)
        .values(**_SCRUBBED)
        .execution_options(synchronize_session=False)
    ).rowcount


def _forget_address(email: str, *, mark_erased: bool) -> dict[str, int]:
    """Everything kept by address across the platform: outbox rows, bounce events and suppressions.
    Only once no person record with this address is left in any alliance (another alliance's
    suppressions and waiting mail are its own). ``mark_erased``: keep the salted hash that stops an
    import adding the address back (an erasure asked for, not retention's tidying)."""
    return _forget_addresses([email], mark_erased=mark_erased)


def _forget_addresses(emails: list[str], *, mark_erased: bool) -> dict[str, int]:
    """``_forget_address`` for many addresses at once: a statement per kind of record, not per
    address (retention may remove tens of thousands of people in a run)."""
    held = set(db.session.scalars(select(Person.email).where(Person.email.in_(emails))))
    emails = [email for email in set(emails) if email not in held]
    if not emails:
        return {"outbox_messages": 0, "bounce_events": 0}
    outbox = _scrub_outbox(OutboxMessage.recipient.in_(emails))
    events = db.session.execute(
        delete(MailEvent).where(MailEvent.email.in_(emails)).execution_options(synchronize_session=False)
    ).rowcount
    suppressed = set(
        db.session.scalars(
            delete(Suppression)
            .where(Suppression.email.in_(emails))
            .returning(Suppression.email)
            .execution_options(synchronize_session=False)
        )
    )
    hashes = {address_hash(email) for email in emails if mark_erased or email in suppressed}
    if hashes:
        kept = set(db.session.scalars(select(Suppression.email).where(Suppression.email.in_(hashes))))
        for hashed in sorted(hashes - kept):
            db.session.add(Suppression(email=hashed, reason=SuppressionReason(ERASED), detail=""))
    return {"outbox_messages": outbox, "bounce_events": events}


def drop_sent_attachments() -> int:
    """Attachments (a delivery's CSV of public signers) of messages that are sent or given up on:
    no longer needed, and they hold names."""
    finished = select(OutboxMessage.id).where(
        OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED])
    )
    return db.session.execute(
        delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(finished))
    ).rowcount


def erase_person(person: Person, *, requested_by: str, by: Any = None, reason: str = "") -> Erasure:
    """Erase one person record everywhere; what public counts rely on stays as anonymous rows."""
    counts: dict[str, int] = {}
    for source in personal_data_sources():
        counts[source.name] = source.erase(person)
    counts["consent_events"] = db.session.scalar(
        select(func.count()).where(ConsentEvent.person_id == person.id)
    )
    counts["outbox_messages"] = _scrub_outbox(
        OutboxMessage.person_id == person.id
    )  # this alliance's mailings
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person.id)
        .values(person_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(ConsentEvent).where(ConsentEvent.person_id == person.id))
    db.session.execute(delete(ConsentState).where(ConsentState.person_id == person.id))
    erasure = Erasure(
        tree_id=person.tree_id,
        by_user_id=getattr(by, "id", None),
        requested_by=requested_by,
        reason=reason,
        counts=counts,
    )
    db.session.add(erasure)
    email = person.email
    db.session.delete(person)
    db.session.flush()
    forgotten = _forget_address(email, mark_erased=True)  # the rest, once no alliance holds the address
    counts["outbox_messages"] += forgotten["outbox_messages"]
    counts["bounce_events"] = forgotten["bounce_events"]
    counts["attachments"] = drop_sent_attachments()
    erasure.counts = counts
    log.info("person erased (%s) in tree %s: %s", requested_by, person.tree_id, counts)
    return erasure


def erasures_of(tree_id: int, limit: int = 50) -> list[Erasure]:
    return list(
        db.session.scalars(
            select(Erasure).where(Erasure.tree_id == tree_id).order_by(Erasure.id.desc()).limit(limit)
        )
    )


# ---- the export log ------------------------------------------------------------------------------


def record_export(
    what: str, rows: int, *, by: Any, coalition_id: int | None = None, organisation_id: int | None = None
) -> DataExport:
    """Log a download of personal data: who, what, how many rows, when."""
    entry = DataExport(
        coalition_id=coalition_id,
        organisation_id=organisation_id,
        user_id=getattr(by, "id", None),
        what=what[:300],
        rows=rows,
    )
    db.session.add(entry)
    db.session.flush()
    log.info("personal data exported by %s: %s (%s rows)", entry.user_id, what, rows)
    return entry


def exports_of(coalition: Coalition, limit: int = 50) -> list[DataExport]:
    """Exports from this coalition and the chapters under it, newest first."""
    ids = [coalition.id, *(c.id for c in _descendants(coalition))]
    return list(
        db.session.scalars(
            select(DataExport)
            .where(DataExport.coalition_id.in_(ids))
            .order_by(DataExport.id.desc())
            .limit(limit)
        )
    )


def _descendants(coalition: Coalition) -> list[Coalition]:
    found, todo = [], list(coalition.chapters)
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(node.chapters)
    return found


# ---- retention -----------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def has_ongoing_consent() -> Any:
    """A SQL condition on ``people.id``: the person still agrees to hear from someone."""
    return exists().where(ConsentState.person_id == Person.id, ConsentState.granted)


def _remove_orphans(tree_id: int) -> int:
    """People in the tree who are referred to by nothing any more and gave no ongoing consent."""
    from organiser.db import Base

    metadata = Base.metadata
    referring = [
        (table, fk.parent)
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "people"
        and table.name not in ("consent_events", "consent_states", "outbox_messages")  # scrubbed with them
    ]
    query = select(Person.id, Person.email).where(Person.tree_id == tree_id, ~has_ongoing_consent())
    for _table, column in referring:
        query = query.where(~exists().where(column == Person.id))
    due = db.session.execute(query).all()
    # In chunks, a statement per table each: tens of thousands of people in a run must not cost a
    # round trip (and a scan of the session) per person.
    for start in range(0, len(due), _CHUNK):
        chunk = due[start : start + _CHUNK]
        ids = [person_id for person_id, _email in chunk]
        _scrub_outbox(OutboxMessage.person_id.in_(ids))
        for model in (ConsentEvent, ConsentState, Person):
            key = Person.id if model is Person else model.person_id
            db.session.execute(delete(model).where(key.in_(ids)).execution_options(synchronize_session=False))
        _forget_addresses([email for _person_id, email in chunk], mark_erased=False)
    db.session.expire_all()  # the rows are gone: nothing loaded may stand for them
    return len(due)


_CHUNK = 1000


def run_retention(now: datetime | None = None) -> list[RetentionRun]:
    """Anonymise what each coalition's retention period says is due, drop old IP addresses,
    and record what was done. Safe to run any number of times."""
    now = now or utcnow()
    runs = []
    for coalition in db.session.scalars(select(Coalition).where(Coalition.retention_months.is_not(None))):
        cutoff = months_before(now, int(coalition.retention_months or 0))
        counts = {
            source.name: source.expire(coalition, cutoff)
            for source in personal_data_sources()
            if source.expire is not None
        }
        counts["people"] = _remove_orphans(coalition.lineage()[-1].id)
        run = RetentionRun(coalition_id=coalition.id, cutoff=cutoff, counts=counts, created_at=now)
        db.session.add(run)
        runs.append(run)
        log.info("retention for %s (before %s): %s", coalition.slug, cutoff.date(), counts)
    drop_sent_attachments()
    ip_cutoff = now - timedelta(days=int(current_app.config["IP_RETENTION_DAYS"]))
    for source in personal_data_sources():
        if source.minimise is not None:
            dropped = source.minimise(ip_cutoff)
            if dropped:
                log.info("dropped %s IP addresses older than %s (%s)", dropped, ip_cutoff.date(), source.name)
    db.session.flush()
    return runs


def retention_due(now: datetime | None = None) -> bool:
    """Once a day is enough: due when no run has been recorded in the last 23 hours."""
    now = now or utcnow()
    last = db.session.scalar(select(func.max(RetentionRun.created_at)))
    if last is not None and last.tzinfo is None:
        from datetime import UTC

        last = last.replace(tzinfo=UTC)
    return last is None or now - last >= timedelta(hours=23)


def last_retention_run(coalition: Coalition) -> RetentionRun | None:
    return db.session.scalar(
        select(RetentionRun)
        .where(RetentionRun.coalition_id == coalition.id)
        .order_by(RetentionRun.id.desc())
        .limit(1)
    )
