"""The coordinators' decision on a petition started by a supporter: approve it (it opens, public and
listed like any open petition), or reject it with a reason from the published standards (its creator
is told which, by e-mail); and, once it is published, adopt it as the coalition's own action (its
creator stays credited). Each decision is taken once: a conditional UPDATE claims it, so two
coordinators pressing at the same moment decide it once."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from organiser.actions.petitions import services as petitions
from organiser.actions.petitions.community import mail
from organiser.actions.petitions.community.models import (
    GATHERING,
    CommunityPetition,
    CommunityState,
    PetitionUpdate,
    UpdateStatus,
)
from organiser.actions.petitions.community.reasons import REJECTION_REASONS, reason_label
from organiser.actions.petitions.community.services.starting import CommunityStateError
from organiser.actions.petitions.models import Petition
from organiser.db import db, utcnow

log = logging.getLogger(__name__)

# A coordinator may decide while it gathers its first supporters too (say, to reject it early).
DECIDABLE = (CommunityState.MODERATION, CommunityState.COLLECTING)


def community_of(petition: Petition | int) -> CommunityPetition | None:
    """The petition's community record, or None for a petition the coordinators started."""
    petition_id = petition if isinstance(petition, int) else petition.id
    return db.session.scalar(select(CommunityPetition).where(CommunityPetition.petition_id == petition_id))


def _claim(community: CommunityPetition, state: CommunityState, by: Any, **values: Any) -> None:
    claimed = db.session.execute(
        update(CommunityPetition)
        .where(CommunityPetition.id == community.id, CommunityPetition.state.in_(DECIDABLE))
        .values(state=state, decided_at=utcnow(), decided_by_id=by.id, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise CommunityStateError(community.state)
    db.session.refresh(community)


def approve(community: CommunityPetition, *, by: Any) -> None:
    """Publish it: the petition opens for signatures, and its creator is told."""
    _claim(community, CommunityState.PUBLISHED, by)
    petitions.open_petition(community.petition, by=by)
    mail.decided(community)
    log.info("community petition %s approved by %s", community.petition_id, by.id)


def reject(community: CommunityPetition, reason: str, *, note: str = "", by: Any) -> None:
    """Do not publish it, for one of the published reasons; its creator is told which (and the note)."""
    if reason not in REJECTION_REASONS:
        raise ValueError(reason)
    _claim(community, CommunityState.REJECTED, by, rejection_reason=reason, rejection_note=note.strip())
    mail.decided(community, reason=reason_label(reason))
    log.info("community petition %s rejected (%s) by %s", community.petition_id, reason, by.id)


def adopt(community: CommunityPetition, *, by: Any) -> None:
    """Make a published petition the coalition's own action; its creator stays credited."""
    if community.state != CommunityState.PUBLISHED or community.adopted:
        raise CommunityStateError(community.state)
    community.adopted_at, community.adopted_by_id = utcnow(), by.id
    db.session.flush()
    log.info("community petition %s adopted by %s", community.petition_id, by.id)


def queue_of(coalition: Any) -> dict[str, list[CommunityPetition]]:
    """The coalition's petitions from supporters, by where they stand: waiting for a decision
    (oldest first), gathering supporters, and decided or closed (newest first)."""
    rows = list(
        db.session.scalars(
            select(CommunityPetition)
            .join(Petition, Petition.id == CommunityPetition.petition_id)
            .where(Petition.coalition_id == coalition.id, CommunityPetition.state != CommunityState.PENDING)
            .options(joinedload(CommunityPetition.petition))
            .order_by(CommunityPetition.submitted_at, CommunityPetition.created_at, CommunityPetition.id)
        )
    )
    decided = [c for c in rows if c.state not in GATHERING]
    return {
        "waiting": [c for c in rows if c.state == CommunityState.MODERATION],
        "gathering": [c for c in rows if c.state == CommunityState.COLLECTING],
        "decided": sorted(decided, key=lambda c: c.decided_at or c.created_at, reverse=True)[:50],
    }


def waiting_updates(coalition: Any) -> list[PetitionUpdate]:
    """Updates from creators to their signers, waiting for a coordinator's approval, oldest first."""
    return list(
        db.session.scalars(
            select(PetitionUpdate)
            .join(CommunityPetition, CommunityPetition.id == PetitionUpdate.community_id)
            .join(Petition, Petition.id == CommunityPetition.petition_id)
            .where(Petition.coalition_id == coalition.id, PetitionUpdate.status == UpdateStatus.WAITING)
            .order_by(PetitionUpdate.created_at, PetitionUpdate.id)
        )
    )
