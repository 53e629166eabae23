"""Updates a creator writes to their petition's signers. Nothing is sent until a coordinator of the
coalition approves it; then it goes out as a mailing of the coalition (through the outbox, with its
unsubscribe link, pausing and progress) to the petition's confirmed signers whose consent to hear
from the coalition stands, and to no one else: the consent ledger decides, as for every mailing."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.petitions.community import mail
from organiser.actions.petitions.community.models import (
    CommunityPetition,
    CommunityState,
    PetitionUpdate,
    UpdateStatus,
)
from organiser.actions.petitions.community.services.starting import CommunityStateError
from organiser.actions.petitions.models import PetitionStatus
from organiser.db import db, utcnow
from organiser.messaging.services import mailings
from organiser.web.urls import external_url

log = logging.getLogger(__name__)


def may_post_update(community: CommunityPetition) -> bool:
    """Once published, its creator may write to its signers (also after it has closed)."""
    return community.state == CommunityState.PUBLISHED and community.petition.status != PetitionStatus.DRAFT


def post_update(community: CommunityPetition, *, subject: str, body: str) -> PetitionUpdate:
    """The creator's update, waiting for a coordinator's approval; the coordinators are told."""
    if not may_post_update(community):
        raise CommunityStateError(community.state)
    update = PetitionUpdate(community_id=community.id, subject=subject.strip(), body=body.strip())
    db.session.add(update)
    db.session.flush()
    mail.update_waiting(community, update)
    log.info(
        "update %s to the signers of petition %s written by its creator", update.id, community.petition_id
    )
    return update


def updates_of(community: CommunityPetition) -> list[PetitionUpdate]:
    """The creator's updates, newest first."""
    query = (
        select(PetitionUpdate)
        .where(PetitionUpdate.community_id == community.id)
        .order_by(PetitionUpdate.created_at.desc(), PetitionUpdate.id.desc())
    )
    return list(db.session.scalars(query))


def _body(community: CommunityPetition, update: PetitionUpdate) -> str:
    """The update, then who wrote it and the petition's link, in the creator's language."""
    petition = community.petition
    with force_locale(community.language or "en"):
        signed = _(
            "An update from %(name)s, who started the petition “%(title)s”, sent by %(coalition)s.",
            name=community.creator_name or _("its creator"),
            title=petition.title,
            coalition=petition.coalition.name,
        )
    link = external_url("petitions.petition", slug=petition.slug)
    return f"{update.body}\n\n---\n\n{signed}\n\n<{link}>"


def approve_update(update: PetitionUpdate, *, by: Any) -> None:
    """Send it, as the coalition's mailing to the signers who agreed; its creator is told."""
    if update.status != UpdateStatus.WAITING:
        raise CommunityStateError(update.status)
    community = update.community
    petition = community.petition
    mailing = mailings.create_mailing(
        petition.coalition_id,
        by=by,
        subject=update.subject,
        from_name=petition.coalition.name[:200],
        reply_to="",
        segments=[{"kind": "petition_signers", "params": {"petition_id": petition.id}}],
        body_markdown=_body(community, update),
    )
    mailings.start(mailing, by=by)
    update.status, update.decided_at, update.decided_by_id = UpdateStatus.APPROVED, utcnow(), by.id
    update.mailing_id = mailing.id
    db.session.flush()
    mail.update_decided(community, update)
    log.info("update %s approved by %s: mailing %s", update.id, by.id, mailing.id)


def reject_update(update: PetitionUpdate, *, note: str, by: Any) -> None:
    """Do not send it; its creator is told why."""
    if update.status != UpdateStatus.WAITING:
        raise CommunityStateError(update.status)
    update.status, update.decided_at, update.decided_by_id = UpdateStatus.REJECTED, utcnow(), by.id
    update.note = note.strip()
    db.session.flush()
    mail.update_decided(update.community, update)
    log.info("update %s not sent, by %s", update.id, by.id)
