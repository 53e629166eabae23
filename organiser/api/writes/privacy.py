"""The answers kept for ``Idempotency-Key`` hold the details of the person a helper recorded, for a
day: erasing that person forgets them at once (they are copies of what the pages show, so the
person's own page lists nothing of them)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from organiser.api.writes.models import IdempotentAnswer
from organiser.db import db
from organiser.privacy.registry import PersonalData


def _erase(person: Any) -> int:
    removed = db.session.execute(delete(IdempotentAnswer).where(IdempotentAnswer.person_id == person.id))
    return removed.rowcount or 0


KEPT_ANSWERS = PersonalData(
    "api_kept_answers", _l("Answers kept for an API client's retries"), lambda _p: [], _erase
)
