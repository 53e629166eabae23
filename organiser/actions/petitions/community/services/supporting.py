"""A petition's first supporters, gathered through its creator's private link before anyone else
can see it. Each signs as on any petition — a pending signature, a link by e-mail, the rate limits,
one signature per person — but their confirmation link is this package's, since the petition is not
public yet. Their signatures are ordinary ones: once the petition is published they are in its count.

When enough supporters (not counting the creator) have confirmed, the petition goes to the
coordinators, once: a conditional UPDATE moves it, so two supporters confirming at the same moment
send it once."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select, update

from organiser.actions.petitions import abuse
from organiser.actions.petitions import services as petitions
from organiser.actions.petitions.community import mail
from organiser.actions.petitions.community.models import GATHERING, CommunityPetition, CommunityState
from organiser.actions.petitions.models import VALID_STATES, Signature, SignatureState
from organiser.actions.petitions.signing.row import signature_row
from organiser.db import db, dialect_insert, utcnow
from organiser.people.services import person_id_for, supporter_email
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS

log = logging.getLogger(__name__)


def supporters(community: CommunityPetition) -> int:
    """Confirmed, valid signatures other than the creator's own."""
    valid = db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(Signature.petition_id == community.petition_id, Signature.state.in_(VALID_STATES))
    )
    return max(0, (valid or 0) - (1 if community.confirmed_at is not None else 0))


def add_supporter(community: CommunityPetition, data: dict[str, Any], *, source: dict[str, str]) -> None:
    """A pending signature through the private link, and the e-mail that confirms it. Over a
    per-petition rate limit it is kept, silently marked, and never e-mailed nor counted."""
    petition = community.petition
    address = supporter_email(data["email"])
    flagged = abuse.over_limit(petition.id, source.get("ip", ""), address.rpartition("@")[2])
    tree_id = petition.coalition.lineage()[-1].id
    row = signature_row(
        petition, data, source, address=address, tree_id=tree_id, flagged=flagged, at=utcnow()
    )
    person_id = person_id_for(tree_id, address, {k: row[k] for k in ("name", "region", "country")})
    values = {key: value for key, value in row.items() if key not in ("tree_id", "email")}
    signature_id = _insert({**values, "person_id": person_id})
    if signature_id is None:
        _supported_again(community, person_id, data["name"], address, flagged)
    elif not flagged:
        mail.confirm_support(community, signature_id, data["name"], address, person_id)


def _insert(values: dict[str, Any]) -> int | None:
    """The new signature's id, or None if this person has signed this petition already (the unique
    constraint decides, also between two requests at once)."""
    statement = dialect_insert(Signature)
    if statement is None:
        exists = select(Signature.id).where(
            Signature.petition_id == values["petition_id"], Signature.person_id == values["person_id"]
        )
        if db.session.scalar(exists) is not None:
            return None
        signature = Signature(**values)
        db.session.add(signature)
        db.session.flush()
        return signature.id
    statement = (
        statement.values(**values)
        .on_conflict_do_nothing(index_elements=[Signature.petition_id, Signature.person_id])
        .returning(Signature.id)
    )
    return db.session.execute(statement).scalar_one_or_none()


def _supported_again(
    community: CommunityPetition, person_id: int, name: str, address: str, flagged: bool
) -> None:
    """Not an error: a pending signature gets its link again, a confirmed one is told by e-mail; at
    most ``MAX_CONFIRMATION_SENDS`` times, so the form cannot flood a mailbox."""
    existing = db.session.scalar(
        select(Signature).where(
            Signature.petition_id == community.petition_id, Signature.person_id == person_id
        )
    )
    pending = existing.state == SignatureState.PENDING
    confirmed = existing.state in VALID_STATES
    if flagged or existing.confirmation_sends >= MAX_CONFIRMATION_SENDS or not (pending or confirmed):
        return
    existing.confirmation_sends += 1
    db.session.flush()
    if pending:
        mail.confirm_support(community, existing.id, name, address, person_id)
    else:
        mail.supported_already(community, name, address, person_id)


def confirm_supporter(community: CommunityPetition, signature: Signature) -> bool:
    """Confirm a supporter's signature (once); with enough supporters, the petition goes to the
    coordinators."""
    if not petitions.confirm(signature):
        return False
    submit_if_supported(community)
    return True


def submit_if_supported(community: CommunityPetition) -> bool:
    """With enough confirmed supporters, move the petition from gathering to the coordinators'
    queue (once) and tell them and its creator."""
    if community.state != CommunityState.COLLECTING:
        return False
    count = supporters(community)
    if count < community.supporters_needed:
        return False
    moved = db.session.execute(
        update(CommunityPetition)
        .where(CommunityPetition.id == community.id, CommunityPetition.state == CommunityState.COLLECTING)
        .values(state=CommunityState.MODERATION, submitted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        return False
    db.session.refresh(community)
    mail.submitted(community, count)
    mail.waiting_for_decision(community, count)
    log.info("community petition %s has %s supporters: to the coordinators", community.petition_id, count)
    return True


def is_gathering(community: CommunityPetition) -> bool:
    return community.state in GATHERING
