"""Closing letter campaigns at their close time, as petitions close on their close date: the
worker's sweep closes every overdue one, and without a worker (the embedded default) the campaign's
own pages close it when they see it. The time is the letters' clock (``pacing.now``: the real time,
moved by ``LETTERS_CLOCK_OFFSET`` in tests and demos); the close time is kept in UTC and typed and
shown in the campaign's time zone."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select, update

from organiser.actions.letters.models import CampaignStatus, LetterCampaign
from organiser.actions.letters.services.pacing import now as letters_now
from organiser.db import as_utc, db, utcnow

log = logging.getLogger(__name__)


def is_overdue(campaign: LetterCampaign, at: datetime | None = None) -> bool:
    closes = as_utc(campaign.closes_at)
    return campaign.status == CampaignStatus.OPEN and closes is not None and closes <= (at or letters_now())


def close_if_overdue(campaign: LetterCampaign, at: datetime | None = None) -> bool:
    """Close this one campaign if its close time has come; True if it was closed now."""
    if not is_overdue(campaign, at):
        return False
    closed = db.session.execute(
        update(LetterCampaign)
        .where(LetterCampaign.id == campaign.id, LetterCampaign.status == CampaignStatus.OPEN)
        .values(status=CampaignStatus.CLOSED, closed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(campaign)
    if closed:
        log.info("letter campaign %s closed: its close time %s has come", campaign.id, campaign.closes_at)
    return bool(closed)


def close_overdue(at: datetime | None = None) -> list[int]:
    """Close every open campaign whose close time has come; their ids (the caller commits)."""
    overdue = list(
        db.session.scalars(
            select(LetterCampaign.id).where(
                LetterCampaign.status == CampaignStatus.OPEN,
                LetterCampaign.closes_at.is_not(None),
                LetterCampaign.closes_at <= (at or letters_now()),
            )
        )
    )
    if overdue:
        db.session.execute(
            update(LetterCampaign)
            .where(LetterCampaign.id.in_(overdue), LetterCampaign.status == CampaignStatus.OPEN)
            .values(status=CampaignStatus.CLOSED, closed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.flush()
        for campaign_id in overdue:
            log.info("letter campaign %s closed: its close time has come", campaign_id)
    return overdue


def local_closes_at(campaign: LetterCampaign) -> datetime | None:
    """The close time in the campaign's zone, as its forms show it (to the minute, no zone)."""
    closes = as_utc(campaign.closes_at)
    return closes.astimezone(campaign.zone).replace(tzinfo=None) if closes is not None else None


def closes_text(campaign: LetterCampaign) -> str:
    """ "31 March 2027, 17:00 (Europe/London)", in the reader's language; "" without a close time."""
    local = local_closes_at(campaign)
    if local is None:
        return ""
    return _(
        "%(day)s, %(time)s (%(zone)s)",
        day=format_date(local.date(), "long"),
        time=local.strftime("%H:%M"),
        zone=campaign.timezone,
    )
