"""What the follow-ups keep about a writer (their answers: whether and when the decision-maker
replied, and what they said of it), registered with privacy: shown on their own page, exported,
blanked on erasure (the follow-up row stays, without its person, so the letter is never asked about
again) and on expiry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from organiser.actions.letters.models import CampaignStatus, LetterCampaign
from organiser.actions.letters.replies.models import LetterFollowUp
from organiser.actions.targets.models import Target
from organiser.db import db
from organiser.people.models import Person
from organiser.privacy.registry import AnonymisedRows, PersonalData, personal_values


def _collect(person: Person) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(LetterFollowUp, LetterCampaign.title, Target.name)
        .join(LetterCampaign, LetterCampaign.id == LetterFollowUp.campaign_id)
        .outerjoin(Target, Target.id == LetterFollowUp.target_id)
        .where(LetterFollowUp.person_id == person.id)
        .order_by(LetterFollowUp.created_at, LetterFollowUp.id)
    ).all()
    return [
        {
            "title": title,
            "to": target_name or "",
            "asked_at": x.created_at,
            "reminded_at": x.reminded_at or "",
            **personal_values(x),
        }
        for x, title, target_name in rows
    ]


ROWS = AnonymisedRows(LetterFollowUp, LetterFollowUp.campaign_id, LetterCampaign.id, abuse_columns=())


def _expire(coalition: Any, cutoff: datetime) -> int:
    """Answers about letters of this coalition's campaigns that closed before the cutoff, of people
    who gave no ongoing consent to anyone."""
    return ROWS.expire(
        LetterCampaign.coalition_id == coalition.id,
        LetterCampaign.status == CampaignStatus.CLOSED,
        func.coalesce(LetterCampaign.closed_at, LetterCampaign.created_at) < cutoff,
    )


REPLIES = PersonalData(
    name="letter_replies",
    label=_l("Replies to your letters"),
    collect=_collect,
    erase=ROWS.erase,
    expire=_expire,
)
