"""Retention: each coalition's retention period anonymises the records of its closed actions (every
package that registered personal data expires its own), removes the people nothing refers to any
more who gave no ongoing consent, and drops IP addresses older than the platform's limit. A run is
recorded, is safe to repeat, and is due once a day."""

from __future__ import annotations

import calendar
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, exists, func, select, update

from organiser.coalitions.models import Coalition, SupporterImport, SupporterImportPerson
from organiser.db import Base, db, utcnow
from organiser.messaging.models import OutboxMessage
from organiser.people.models import ConsentEvent, ConsentState, Person
from organiser.privacy.models import RetentionRun
from organiser.privacy.registry import personal_data_sources
from organiser.privacy.services.erasure import drop_sent_attachments, forget_addresses, scrub_outbox

log = logging.getLogger(__name__)


def months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def has_ongoing_consent() -> Any:
    """A SQL condition on ``people.id``: the person still agrees to hear from someone."""
    return exists().where(ConsentState.person_id == Person.id, ConsentState.granted)


# Rows about a person that keep no one: removed with them (the ledger and the outbox are scrubbed with
# them; the tags and notes coordinators added go by the foreign keys' cascade).
_GOES_WITH_THEM = ("consent_events", "consent_states", "outbox_messages", "person_tags", "person_notes")


def _remove_orphans(tree_id: int) -> int:
    """People in the tree who are referred to by nothing any more and gave no ongoing consent."""
    referring = [
        (table, fk.parent)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "people" and table.name not in _GOES_WITH_THEM
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
        scrub_outbox(OutboxMessage.person_id.in_(ids))
        for model in (ConsentEvent, ConsentState, Person):
            key = Person.id if model is Person else model.person_id
            db.session.execute(delete(model).where(key.in_(ids)).execution_options(synchronize_session=False))
        forget_addresses([email for _person_id, email in chunk], mark_erased=False)
    db.session.expire_all()  # the rows are gone: nothing loaded may stand for them
    return len(due)


_CHUNK = 1000


def _expire_imports(coalition: Coalition, cutoff: datetime) -> int:
    """Supporter imports older than the cutoff: their file goes, and so does the link to whoever
    they brought in who gave no ongoing consent (the import's counts stay), so that people imported
    without consent to be mailed are not kept for ever by it; returns how many links went."""
    old = select(SupporterImport.id).where(
        SupporterImport.coalition_id == coalition.id, SupporterImport.created_at < cutoff
    )
    db.session.execute(
        update(SupporterImport)
        .where(SupporterImport.id.in_(old), SupporterImport.file_data.is_not(None))
        .values(file_data=None)
        .execution_options(synchronize_session=False)
    )
    consenting = exists().where(
        ConsentState.person_id == SupporterImportPerson.person_id, ConsentState.granted
    )
    return db.session.execute(
        delete(SupporterImportPerson)
        .where(SupporterImportPerson.import_id.in_(old), ~consenting)
        .execution_options(synchronize_session=False)
    ).rowcount


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
        counts["imported"] = _expire_imports(coalition, cutoff)
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
        last = last.replace(tzinfo=UTC)
    return last is None or now - last >= timedelta(hours=23)


def last_retention_run(coalition: Coalition) -> RetentionRun | None:
    return db.session.scalar(
        select(RetentionRun)
        .where(RetentionRun.coalition_id == coalition.id)
        .order_by(RetentionRun.id.desc())
        .limit(1)
    )
