"""What the decision-makers answered a letter campaign: who may have answered (the targets its
letters went to, and its fixed targets), recording one's response, and the list the public page
shows. The responses themselves are the targets package's, shared with petitions."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.letters.models import COUNTED_STATUSES, Letter, LetterCampaign
from organiser.actions.letters.services.campaigns import CampaignStateError
from organiser.actions.targets import services as targets
from organiser.actions.targets.models import Response, Target
from organiser.db import db


def response_targets(campaign: LetterCampaign) -> list[Target]:
    """Who may have answered: the targets the campaign's letters went to (and its fixed targets)."""
    ids = set(
        db.session.scalars(
            select(Letter.target_id).where(
                Letter.campaign_id == campaign.id, Letter.status.in_(COUNTED_STATUSES)
            )
        )
    ) | {t.id for t in campaign.targets}
    if not ids:
        return []
    return list(db.session.scalars(select(Target).where(Target.id.in_(ids)).order_by(Target.name)))


def record_response(
    campaign: LetterCampaign, target_id: int, *, text: str, responded_on: date | None, by: Any
) -> Response:
    """Record (or correct) one target's response; it is shown on the campaign's public page."""
    if target_id not in {t.id for t in response_targets(campaign)}:
        raise CampaignStateError(_("Choose one of the people the letters went to."))
    return targets.record_response(
        target_id, campaign_id=campaign.id, text=text, responded_on=responded_on, by=by
    )


def responses_of(campaign: LetterCampaign) -> list[Response]:
    return targets.responses_to(campaign_id=campaign.id)
