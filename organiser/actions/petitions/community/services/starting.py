"""Starting a petition without an account: a draft ``Petition`` and its ``CommunityPetition``
(pending), and the e-mail with the link that confirms it (double opt-in, as for signing). Someone
with ``MAX_CONFIRMATION_SENDS`` petitions waiting for their confirmation in a coalition gets nothing
more: the form cannot flood a mailbox. Confirming records the creator's own signature (the first
one), and the petition starts gathering supporters through its private link. Before publication
its creator may change its words, or close it."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select, update

from organiser.actions.petitions import services as petitions
from organiser.actions.petitions.community import mail
from organiser.actions.petitions.community.models import (
    EDITABLE,
    CommunityPetition,
    CommunityState,
)
from organiser.actions.petitions.community.services.settings import rules_for
from organiser.actions.petitions.models import Petition, PetitionStatus, Signature, SignatureState
from organiser.actions.targets.models import Target
from organiser.db import db, utcnow
from organiser.people.services import person_id_for, supporter_email
from organiser.web.forms import slugify
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS

log = logging.getLogger(__name__)

DETAILS = ("title", "ask", "background")


class CommunityStateError(Exception):
    """The petition is not in a state that allows this."""


def unique_slug(title: str) -> str:
    """A web address from the title, not used by any petition yet."""
    base = slugify(title)[:70].strip("-") or "petition"
    slug, n = base, 1
    while db.session.scalar(select(Petition.id).where(Petition.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def addressed_to(target: Target | None, named: str) -> str:
    """The petition's "To:" line: the chosen decision-maker with their role, or the name typed."""
    if target is not None:
        return ", ".join(part for part in (target.name, target.role) if part)[:300]
    return named.strip()[:300]


def _waiting(coalition_id: int, person_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(CommunityPetition)
        .join(Petition, Petition.id == CommunityPetition.petition_id)
        .where(
            Petition.coalition_id == coalition_id,
            CommunityPetition.person_id == person_id,
            CommunityPetition.state == CommunityState.PENDING,
        )
    )


def start_petition(
    coalition: Any, data: dict[str, Any], *, target: Target | None, ip: str, language: str
) -> CommunityPetition | None:
    """A draft petition started by ``data["name"]``, waiting for them to confirm by e-mail; None
    (and no e-mail) when that address has too many waiting already."""
    address = supporter_email(data["email"])
    tree_id = coalition.lineage()[-1].id
    person_id = person_id_for(tree_id, address, {"name": data["name"], "country": data.get("country")})
    if _waiting(coalition.id, person_id) >= MAX_CONFIRMATION_SENDS:
        return None
    petition = Petition(
        coalition_id=coalition.id,
        slug=unique_slug(data["title"]),
        target=addressed_to(target, data.get("target_name") or ""),
        status=PetitionStatus.DRAFT,
        **{key: (data.get(key) or "").strip() for key in DETAILS},
    )
    db.session.add(petition)
    db.session.flush()
    if target is not None:
        petition.targets = [target]
    community = CommunityPetition(
        petition_id=petition.id,
        person_id=person_id,
        creator_name=data["name"].strip(),
        ip=ip[:64],
        language=language[:10],
        consent_coalition=bool(data.get("consent_coalition")),
        supporters_needed=rules_for(coalition).supporters_needed,
        state=CommunityState.PENDING,
    )
    db.session.add(community)
    db.session.flush()
    mail.confirm_start(community)
    log.info("community petition %s started in coalition %s", petition.id, coalition.id)
    return community


def confirm_creator(community: CommunityPetition) -> bool:
    """The creator confirmed through the e-mailed link (once): their signature is the first, and the
    petition gathers supporters (or, when none are asked for, goes to the coordinators)."""
    claimed = db.session.execute(
        update(CommunityPetition)
        .where(CommunityPetition.id == community.id, CommunityPetition.state == CommunityState.PENDING)
        .values(state=CommunityState.COLLECTING, confirmed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return False
    db.session.refresh(community)
    _sign_for_creator(community)
    mail.started(community)
    log.info("community petition %s confirmed by its creator", community.petition_id)
    from organiser.actions.petitions.community.services.supporting import submit_if_supported

    submit_if_supported(community)
    return True


def _sign_for_creator(community: CommunityPetition) -> None:
    """The creator's own signature, confirmed by the same link (their consent box with it)."""
    person = community.person
    signature = Signature(
        petition_id=community.petition_id,
        person_id=person.id,
        name=community.creator_name,
        country=person.country,
        consent_coalition=community.consent_coalition,
        state=SignatureState.PENDING,
        confirmation_sends=0,
        email_domain=person.email.rpartition("@")[2][:255],
    )
    db.session.add(signature)
    db.session.flush()
    petitions.confirm(signature)


def edit_petition(community: CommunityPetition, fields: dict[str, Any], *, target: Target | None) -> None:
    """The creator changes its words and who it is addressed to, until it is published."""
    if community.state not in EDITABLE:
        raise CommunityStateError(community.state)
    petition = community.petition
    for key in DETAILS:
        setattr(petition, key, (fields.get(key) or "").strip())
    petition.target = addressed_to(target, fields.get("target_name") or "")
    petition.targets = [target] if target is not None else []
    db.session.flush()
    log.info("community petition %s changed by its creator", petition.id)


def close_by_creator(community: CommunityPetition) -> None:
    """The creator closes it: before publication it is withdrawn (never published); once open, it
    closes to new signatures like any petition."""
    petition = community.petition
    if community.state in EDITABLE:
        community.state = CommunityState.WITHDRAWN
    elif community.state == CommunityState.PUBLISHED and petition.status == PetitionStatus.OPEN:
        petition.status, petition.closed_at = PetitionStatus.CLOSED, utcnow()
    else:
        raise CommunityStateError(community.state)
    community.closed_at = utcnow()
    db.session.flush()
    log.info("community petition %s closed by its creator", petition.id)
