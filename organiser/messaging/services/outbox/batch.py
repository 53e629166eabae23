"""What a claimed batch needs on its way out: each row's message (a mailing rendered once for all
its rows, a row's own attachments fetched in one query), the bulk rows to hold back (suppressed, or
consent withdrawn since they were queued), and the heartbeat that keeps a slow batch's claim fresh."""

from __future__ import annotations

import time

from sqlalchemy import select, update

from organiser.db import db, utcnow
from organiser.messaging.mime import Attachment
from organiser.messaging.models import (
    Mailing,
    MailStream,
    OutboxAttachment,
    OutboxMessage,
    OutboxStatus,
    Suppression,
)
from organiser.messaging.services.outbox.ledger import stale_claim_timeout
from organiser.messaging.transport import build_message
from organiser.people.models import ConsentState


class Batch:
    """Claimed rows on their way out over one connection, with what each needs to become a message."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        self.rows = rows
        self.rendered: dict[int, object] = {}
        self.blocked = self._blocked_bulk_rows()
        self.attachments = self._attachments()
        self.errors = 0

    def _attachments(self) -> dict[int, list[Attachment]]:
        """Files of the batch's own (non-mailing) rows, in one query; a mailing's batch asks nothing."""
        ids = [r.id for r in self.rows if r.mailing_id is None]
        found: dict[int, list[Attachment]] = {}
        if not ids:
            return found
        query = (
            select(OutboxAttachment).where(OutboxAttachment.message_id.in_(ids)).order_by(OutboxAttachment.id)
        )
        for a in db.session.scalars(query):
            found.setdefault(a.message_id, []).append(Attachment(a.filename, a.content_type, a.data))
        return found

    def _blocked_bulk_rows(self) -> set[int]:
        """Bulk rows whose address was suppressed, or whose consent was withdrawn, since they were queued."""
        bulk = [r for r in self.rows if r.stream == MailStream.BULK]
        if not bulk:
            return set()
        emails = {r.recipient for r in bulk}
        suppressed = set(db.session.scalars(select(Suppression.email).where(Suppression.email.in_(emails))))
        withdrawn: set[int] = set()
        for mailing_id in {r.mailing_id for r in bulk if r.mailing_id}:
            from organiser.messaging.services.audiences import sender_subject

            mailing = db.session.get(Mailing, mailing_id)
            subject_type, subject_id = sender_subject(mailing)
            person_ids = {r.person_id for r in bulk if r.mailing_id == mailing_id and r.person_id}
            withdrawn |= set(
                db.session.scalars(
                    select(ConsentState.person_id).where(
                        ConsentState.person_id.in_(person_ids),
                        ConsentState.subject_type == subject_type,
                        ConsentState.subject_id == subject_id,
                        ConsentState.granted.is_(False),
                    )
                )
            )
        return {r.id for r in bulk if r.recipient in suppressed or r.person_id in withdrawn}

    def message(self, row: OutboxMessage):  # noqa: ANN201
        if row.mailing_id is None:
            return build_message(
                row, row.body_text or "", row.body_html, attachments=self.attachments.get(row.id, ())
            )
        from organiser.messaging.render import render_mailing

        rendered = self.rendered.get(row.mailing_id)
        if rendered is None:
            rendered = self.rendered[row.mailing_id] = render_mailing(db.session.get(Mailing, row.mailing_id))
        headers, text, html = rendered.message_for(row)  # type: ignore[attr-defined]
        return build_message(row, text, html, headers)


class Heartbeat:
    """Keeps a slow batch's unsent rows fresh, so the sweeper does not hand them to another worker
    while this one is still working through them (a throttled relay can make a batch slow)."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        self.ids = [r.id for r in rows]
        self.every = stale_claim_timeout().total_seconds() / 3
        self.last = time.monotonic()

    def beat(self, index: int) -> None:
        if time.monotonic() - self.last < self.every:
            return
        self.last = time.monotonic()
        remaining = self.ids[index:]
        db.session.connection().execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(remaining), OutboxMessage.status == OutboxStatus.SENDING)
            .values(claimed_at=utcnow())
        )
        db.session.commit()
