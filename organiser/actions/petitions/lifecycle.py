"""Closing petitions whose close date has passed.

A petition is open through the whole of its close date and closes when that day is over. The day
is taken in UTC: coalitions do not keep a time zone yet, so a petition closing on 31 March takes
signatures until 23:59:59 UTC that day. The worker's maintenance sweep closes them all; without a
worker (the embedded default) the petition's page and sign endpoint close it when they see it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import select, update

from organiser.actions.petitions.models import Petition, PetitionStatus
from organiser.db import db, utcnow

log = logging.getLogger(__name__)


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).date()


def is_overdue(petition: Petition, now: datetime | None = None) -> bool:
    return (
        petition.status == PetitionStatus.OPEN
        and petition.close_date is not None
        and petition.close_date < today(now)
    )


def close_if_overdue(petition: Petition, now: datetime | None = None) -> bool:
    """Close this one petition if its close date has passed; True if it was closed now."""
    if not is_overdue(petition, now):
        return False
    closed = db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id, Petition.status == PetitionStatus.OPEN)
        .values(status=PetitionStatus.CLOSED, closed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(petition)
    if closed:
        log.info("petition %s closed: its close date %s has passed", petition.id, petition.close_date)
    return bool(closed)


def close_overdue_petitions(now: datetime | None = None) -> list[int]:
    """Close every open petition whose close date has passed; returns their ids (caller commits)."""
    overdue = list(
        db.session.scalars(
            select(Petition.id).where(
                Petition.status == PetitionStatus.OPEN,
                Petition.close_date.is_not(None),
                Petition.close_date < today(now),
            )
        )
    )
    if overdue:
        db.session.execute(
            update(Petition)
            .where(Petition.id.in_(overdue), Petition.status == PetitionStatus.OPEN)
            .values(status=PetitionStatus.CLOSED, closed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.flush()
        for petition_id in overdue:
            log.info("petition %s closed: its close date has passed", petition_id)
    return overdue
