"""Importing supporters from CSV: the file uploaded (kept, with its guessed columns, as a draft),
its columns mapped and its rows checked on the preview (nothing written), the consent stated for
everyone in it, then the import itself as a job — one code path for any size: a worker runs it
where there is Redis, the request's own process otherwise (the embedded default).

The job works in batches (``people_batch``), each committed with the import's counts and how far
it got: the progress page reads them, and a job that stops (a worker killed, a deploy) is taken up
by the next from there — the sweep hands a stalled import out again. Two jobs on one import share
the work: each batch is taken under a lock on the import's row. Running the same file again changes
nothing: people are merged by address and a consent already in the ledger is not added twice."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from organiser.coalitions.imports.people import (
    Header,
    PeopleFile,
    Supporter,
    guess,
    header_of,
    layout,
    mapping_problems,
    parse,
    sample,
)
from organiser.coalitions.imports.reader import ImportRow, csv_rows, decode
from organiser.coalitions.models import Coalition, ImportStatus, SupporterImport
from organiser.coalitions.services.people_batch import import_batch
from organiser.db import db, utcnow
from organiser.jobs import enqueue_after_commit, redis_connection
from organiser.web.inputs import without_controls

log = logging.getLogger(__name__)

BATCH = 500  # addresses a batch: a few statements of at most a few thousand values each
HAND_OVER_AFTER = 240  # seconds a job works before a fresh one goes on (well inside RQ's timeout)
DRAFT_KEPT = timedelta(days=1)  # an uploaded file never imported is deleted after this
STALLED = timedelta(minutes=15)  # an import that has not moved for this long is handed out again
COUNTS = ("created", "merged", "unchanged", "suppressed", "withdrawn")


def imports_of(coalition: Coalition, limit: int = 50) -> list[SupporterImport]:
    """The coalition's imports, newest first: the log shown on the import page."""
    query = select(SupporterImport).where(SupporterImport.coalition_id == coalition.id)
    return list(db.session.scalars(query.order_by(SupporterImport.id.desc()).limit(limit)))


def upload(coalition: Coalition, data: bytes, file_name: str, *, by: Any) -> SupporterImport:
    """Keep an uploaded file as a draft import, its columns guessed; raises ImportFileError when the
    file cannot be imported at all (not text, no columns, no rows, too many)."""
    text = decode(data)
    header = header_of(text)
    csv_rows(text, layout([n for n, _c in header.named]))  # the whole file readable, and not too long
    imp = SupporterImport(
        coalition_id=coalition.id,
        by_id=by.id,
        file_name=without_controls(file_name).strip()[:200],
        file_data=data,
        status=ImportStatus.DRAFT,
    )
    db.session.add(imp)
    set_columns(imp, guess(header), text)
    log.info("supporter import %s uploaded to coalition %s by %s", imp.id, coalition.id, by.id)
    return imp


@dataclass
class Preview:
    header: Header
    first_rows: list[ImportRow]
    checked: PeopleFile | None  # None while no column is the e-mail address


def preview(imp: SupporterImport) -> Preview:
    """The file's columns, its first rows, and every row checked with the columns as mapped."""
    text = decode(imp.file_data or b"")
    header = header_of(text)
    has_email = "email" in imp.columns.values()
    return Preview(header, sample(text, header), parse(text, imp.columns) if has_email else None)


def set_columns(imp: SupporterImport, columns: dict[str, str], text: str | None = None) -> None:
    """Keep the columns chosen, and what the rows come to with them (the consent page says it)."""
    imp.columns = columns
    checked = None
    if not mapping_problems(columns):
        checked = parse(text if text is not None else decode(imp.file_data or b""), columns)
    imp.rows = len(checked.rows) if checked else 0
    imp.errors, imp.repeated = (checked.errors, checked.repeated) if checked else (0, 0)
    imp.addresses = len(checked.people) if checked else 0
    db.session.flush()


def ready(imp: SupporterImport) -> bool:
    """Whether a draft's columns are chosen well and leave someone to import."""
    return not mapping_problems(imp.columns) and imp.addresses > 0


@dataclass(frozen=True)
class StatedConsent:
    """What the coordinator states for everyone in the file: they agreed (``wording``, ``source``,
    ``agreed_on``), or there is no consent to mail them (``given`` False, the rest empty)."""

    given: bool
    wording: str = ""
    source: str = ""
    agreed_on: date | None = None


def start(imp: SupporterImport, consent: StatedConsent, *, by: Any) -> bool:
    """Record the stated consent and queue the import (after the commit); False if it was started
    already (a second click)."""
    started = db.session.execute(
        update(SupporterImport)
        .where(SupporterImport.id == imp.id, SupporterImport.status == ImportStatus.DRAFT)
        .values(
            status=ImportStatus.QUEUED,
            consent_given=consent.given,
            consent_wording=consent.wording,
            consent_source=consent.source,
            consent_date=consent.agreed_on,
            progressed_at=utcnow(),
        )
    ).rowcount
    if not started:
        return False
    db.session.refresh(imp)
    _hand_out(imp.id)
    log.info("supporter import %s started by %s (consent stated: %s)", imp.id, by.id, consent.given)
    return True


def job_key(import_id: int) -> str:
    """The "job queued" flag of an import (``organiser.jobs.enqueue_after_commit``'s ``unique``)."""
    return f"organiser:supporter-import:{import_id}"


def _hand_out(import_id: int) -> None:
    from organiser.coalitions.jobs import run_supporter_import

    enqueue_after_commit(run_supporter_import, import_id, unique=job_key(import_id))


# ---- the job ---------------------------------------------------------------------------------------


def run(import_id: int) -> int:
    """Import the file batch by batch, each committed with the counts; returns the addresses handled
    by this run. Goes on from where an earlier run stopped."""
    imp = db.session.get(SupporterImport, import_id)
    if imp is None or imp.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return 0
    try:
        people = parse(decode(imp.file_data or b""), imp.columns)
        _begin(imp, people)
        return _batches(import_id, imp.coalition.lineage()[-1].id, list(people.people.items()))
    except Exception:
        db.session.rollback()
        _fail(import_id)
        raise


def _begin(imp: SupporterImport, people: PeopleFile) -> None:
    if imp.started_at is None:
        imp.rows, imp.errors, imp.repeated = len(people.rows), people.errors, people.repeated
        imp.addresses, imp.started_at = len(people.people), utcnow()
    imp.status, imp.progressed_at = ImportStatus.RUNNING, utcnow()
    db.session.commit()


def _batches(import_id: int, tree_id: int, supporters: list[tuple[str, Supporter]]) -> int:
    began, handled = time.monotonic(), 0
    while True:
        imp = _locked(import_id)
        if imp is None or imp.status != ImportStatus.RUNNING:
            db.session.commit()
            return handled
        if imp.handled >= len(supporters):
            _finish(imp)
            return handled
        batch = supporters[imp.handled : imp.handled + BATCH]
        counts = import_batch(imp, tree_id, batch)
        for name in COUNTS:
            setattr(imp, name, getattr(imp, name) + counts[name])
        imp.handled, imp.progressed_at = imp.handled + len(batch), utcnow()
        db.session.commit()
        handled += len(batch)
        if redis_connection() is not None and time.monotonic() - began > HAND_OVER_AFTER:
            _hand_out(import_id)  # a fresh job goes on from here
            db.session.commit()
            return handled


def _locked(import_id: int) -> SupporterImport | None:
    """The import's row, locked until this batch commits (another job on it waits its turn)."""
    query = select(SupporterImport).where(SupporterImport.id == import_id).with_for_update()
    return db.session.scalar(query.execution_options(populate_existing=True))


def _finish(imp: SupporterImport) -> None:
    imp.status, imp.finished_at, imp.file_data = ImportStatus.DONE, utcnow(), None
    db.session.commit()
    log.info(
        "supporter import %s done: %s rows, %s created, %s merged, %s unchanged, %s suppressed, "
        "%s withdrawn, %s repeated, %s with errors",
        imp.id,
        imp.rows,
        imp.created,
        imp.merged,
        imp.unchanged,
        imp.suppressed,
        imp.withdrawn,
        imp.repeated,
        imp.errors,
    )


def _fail(import_id: int) -> None:
    """Stopped by an error: what the committed batches wrote stays, the file goes (running it
    again adds the rest and changes nothing else)."""
    imp = db.session.get(SupporterImport, import_id)
    if imp is not None:
        imp.status, imp.finished_at, imp.file_data = ImportStatus.FAILED, utcnow(), None
        db.session.commit()
    log.exception("supporter import %s failed", import_id)


def sweep_imports() -> None:
    """Delete drafts never imported (their files hold people's addresses), and hand out again the
    imports that stopped moving (their worker was killed, or Redis lost the job)."""
    now = utcnow()
    db.session.execute(
        delete(SupporterImport)
        .where(SupporterImport.status == ImportStatus.DRAFT, SupporterImport.created_at < now - DRAFT_KEPT)
        .execution_options(synchronize_session=False)
    )
    stalled = select(SupporterImport.id).where(
        SupporterImport.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]),
        SupporterImport.progressed_at < now - STALLED,
    )
    for import_id in db.session.scalars(stalled):
        log.warning("supporter import %s stalled: handed out again", import_id)
        _hand_out(import_id)
