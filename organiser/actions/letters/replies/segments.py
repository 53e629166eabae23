"""Letter writers as mailing segments: those who confirmed a letter in one of the coalition's
campaigns, or in any of them. Messaging's rules apply on top: only people whose consent covers the
mailing's sender (the coalition: the box on the letter form, or any other consent they gave it, and
not withdrawn since) get it, and never the suppressed. Organisations cannot choose it: the letter
form asks for the coalition's consent only."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign, LetterStatus
from organiser.db import db
from organiser.messaging.services.audiences import Segment


def _choices(coalition: Any) -> list[tuple[dict[str, Any], str]]:
    """All the coalition's letter writers, then each public campaign's, newest first."""
    campaigns = db.session.execute(
        select(LetterCampaign.id, LetterCampaign.title)
        .where(LetterCampaign.coalition_id == coalition.id, LetterCampaign.status != CampaignStatus.DRAFT)
        .order_by(LetterCampaign.created_at.desc(), LetterCampaign.id.desc())
    ).all()
    if not campaigns:
        return []
    return [({}, _("People who wrote a letter in any of our campaigns"))] + [
        ({"campaign_id": campaign_id}, _("People who wrote a letter in “%(title)s”", title=title))
        for campaign_id, title in campaigns
    ]


def _writers(mailing: Any, params: dict[str, Any]) -> Any:
    """Writers who confirmed a letter in the mailing coalition's campaigns (one of them, if named)."""
    query = (
        select(Letter.person_id)
        .join(LetterCampaign, LetterCampaign.id == Letter.campaign_id)
        .where(
            LetterCampaign.coalition_id == mailing.coalition_id,
            Letter.status != LetterStatus.PENDING,
            Letter.person_id.is_not(None),
        )
    )
    if "campaign_id" in params:
        query = query.where(Letter.campaign_id == int(params.get("campaign_id") or 0))
    return query


WRITERS = Segment("letter_writers", _choices, _writers)
