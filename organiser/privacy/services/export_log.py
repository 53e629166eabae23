"""The log of personal-data exports: who downloaded what, how many rows, when; coordinators read
their coalition's (and its chapters') on the privacy page."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.privacy.models import DataExport

log = logging.getLogger(__name__)


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
