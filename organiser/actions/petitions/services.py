"""Petitions: create and open them, sign (double opt-in), confirm, count."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.petitions import counting, signing
from organiser.actions.petitions.lifecycle import today
from organiser.actions.petitions.models import VALID_STATES, Petition, PetitionStatus, Signature
from organiser.actions.petitions.signing import SignResult
from organiser.db import db, utcnow
from organiser.messaging.services.audiences import Segment
from organiser.web.downloads import Export
from organiser.web.public_actions import link_token, read_link_token

log = logging.getLogger(__name__)


class PetitionStateError(Exception):
    pass


def create_petition(coalition_id: int, *, by: Any, **fields: Any) -> Petition:
    petition = Petition(coalition_id=coalition_id, created_by_id=by.id, **fields)
    db.session.add(petition)
    db.session.flush()
    log.info("petition %s created in coalition %s by %s", petition.id, coalition_id, by.id)
    return petition


class CloseDatePassed(PetitionStateError):
    """Opening a petition whose close date has passed would close it at once, so it is refused:
    the coordinators choose a later close date (or none) first."""

    def __init__(self, close_date: date) -> None:
        super().__init__(f"the close date {close_date} has passed")
        self.close_date = close_date


class AwaitsDecision(PetitionStateError):
    """A petition started by a supporter opens only when a coordinator approves it (``community``)."""


def open_petition(petition: Petition, *, by: Any) -> None:
    if petition.status != PetitionStatus.DRAFT:
        raise PetitionStateError("only a draft can be opened")
    if _awaits_decision(petition):
        raise AwaitsDecision("a petition started by a supporter opens when a coordinator approves it")
    if petition.close_date is not None and petition.close_date < today():
        raise CloseDatePassed(petition.close_date)
    petition.status, petition.opened_at = PetitionStatus.OPEN, utcnow()
    db.session.flush()
    log.info("petition %s opened by %s", petition.id, by.id)


def _awaits_decision(petition: Petition) -> bool:
    from organiser.actions.petitions.community.models import CommunityPetition, CommunityState

    state = db.session.scalar(
        select(CommunityPetition.state).where(CommunityPetition.petition_id == petition.id)
    )
    return state is not None and state != CommunityState.PUBLISHED


EDITABLE_STATES = (PetitionStatus.DRAFT, PetitionStatus.OPEN)


def update_petition(petition: Petition, *, by: Any, **fields: Any) -> None:
    """Change a draft or open petition's details (its address stays: links to it are out). A close
    date moved into the past is refused: it would close the petition at once."""
    if petition.status not in EDITABLE_STATES:
        raise PetitionStateError("only a draft or open petition can be changed")
    close_date = fields.get("close_date", petition.close_date)
    if close_date is not None and close_date != petition.close_date and close_date < today():
        raise CloseDatePassed(close_date)
    for key, value in fields.items():
        setattr(petition, key, value)
    db.session.flush()
    log.info("petition %s changed by %s", petition.id, by.id)


def confirmation_token(signature: Signature) -> str:
    return link_token("signature", signature.id)


def signature_for_token(token: str) -> Signature | None:
    signature_id = read_link_token("signature", token)
    if not isinstance(signature_id, int):
        return None
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.person_id is None:  # erased: the links die with the data
        return None
    return signature


def consent_wording(petition: Petition) -> str:
    return _(
        "Keep me updated by e-mail about this petition and other campaigns of %(coalition)s.",
        coalition=petition.coalition.name,
    )


def sign(petition: Petition, data: dict[str, Any], *, source: dict[str, str], **options: Any) -> SignResult:
    """Record a pending signature and e-mail the link that confirms it (organiser.actions.petitions.signing).

    Signing again is not an error: a confirmed signature stays as it is; a pending one gets its
    confirmation again (a few times at most). Over a rate limit it is kept, silently marked.
    ``options``: see ``signing.sign`` (the intake's batch job passes what the request decided).
    """
    return signing.sign(petition, data, source=source, **options)


def confirm(signature: Signature) -> bool:
    """Confirm once; the count follows in a batch (``counting``). False if done before."""
    return counting.confirm(signature)


VISIBLE_STATES = VALID_STATES  # confirmed, and not taken out


def recent_public_signers(petition: Petition, limit: int = 10) -> list[Signature]:
    if not petition.shows_signers:
        return []  # a sensitive coalition shows no one's name in public
    query = (
        select(Signature)
        .where(
            Signature.petition_id == petition.id, Signature.state.in_(VISIBLE_STATES), Signature.public_name
        )
        .order_by(Signature.confirmed_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def petitions_of(coalition_id: int) -> list[Petition]:
    query = select(Petition).where(Petition.coalition_id == coalition_id).order_by(Petition.created_at.desc())
    return list(db.session.scalars(query))


def by_slug(slug: str) -> Petition | None:
    """The petition with its coalition, in one query (every public page shows the coalition)."""
    from sqlalchemy.orm import joinedload

    return db.session.scalar(
        select(Petition).where(Petition.slug == slug).options(joinedload(Petition.coalition))
    )


def _petition_choices(coalition: Any) -> list[tuple[dict[str, Any], str]]:
    return [
        ({"petition_id": p.id}, _("People who signed “%(title)s”", title=p.title))
        for p in petitions_of(coalition.id)
        if p.is_public
    ]


def _petition_signers(mailing: Any, params: dict[str, Any]) -> Any:
    """Confirmed signers of one of the mailing coalition's own petitions."""
    return (
        select(Signature.person_id)
        .join(Petition, Petition.id == Signature.petition_id)
        .where(
            Signature.petition_id == int(params.get("petition_id", 0)),
            Petition.coalition_id == mailing.coalition_id,
            Signature.state.in_(VISIBLE_STATES),
        )
    )


SIGNERS = Segment("petition_signers", _petition_choices, _petition_signers)


def close_petition(petition: Petition, *, by: Any) -> None:
    if petition.status != PetitionStatus.OPEN:
        raise PetitionStateError("only an open petition can be closed")
    petition.status, petition.closed_at = PetitionStatus.CLOSED, utcnow()
    db.session.flush()
    log.info("petition %s closed by %s", petition.id, by.id)


SIGNATURE_COLUMNS = [
    "name",
    "email",
    "region",
    "country",
    "comment",
    "public_name",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "signed_at",
    "confirmed_at",
    "status",
    "ip",
]


def export_signatures(petition: Petition) -> Export:
    """Every signature, for coordinators (formula-safe; the download is logged)."""
    from organiser.people.models import Person

    rows = db.session.execute(
        select(Signature, Person.email)
        .join(Person, Person.id == Signature.person_id)
        .where(Signature.petition_id == petition.id)
        .order_by(Signature.id)
    ).all()
    return Export(
        f"{petition.slug}-signatures.csv",
        _("Signatures of “%(title)s”", title=petition.title),
        SIGNATURE_COLUMNS,
        [
            (
                s.name,
                email,
                s.region,
                s.country,
                s.comment,
                "yes" if s.public_name else "no",
                s.source,
                s.utm_source,
                s.utm_medium,
                s.utm_campaign,
                s.created_at.isoformat(),
                s.confirmed_at.isoformat() if s.confirmed_at else "",
                _export_status(s),
                s.ip,
            )
            for s, email in rows
        ],
        coalition_id=petition.coalition_id,
    )


def _export_status(signature: Signature) -> str:
    """Every signature is exported, with where it stands: confirmed ones still waiting for the
    count job are "confirmed" like counted ones; the invalid are named so they can be filtered."""
    if signature.state in VISIBLE_STATES:
        return "confirmed"
    return str(signature.state)


def summary(petition: Petition) -> dict[str, Any]:
    """The petition with its confirmed, valid counts by country, region and source (no personal
    data), and how many signatures are over a rate limit or invalidated."""
    from sqlalchemy import func

    def counted(column: Any) -> dict[str, int]:
        rows = db.session.execute(
            select(column, func.count())
            .where(Signature.petition_id == petition.id, Signature.state.in_(VISIBLE_STATES))
            .group_by(column)
        ).all()
        return {str(key or ""): n for key, n in rows}

    by_state = dict(
        db.session.execute(
            select(Signature.state, func.count())
            .where(Signature.petition_id == petition.id)
            .group_by(Signature.state)
        ).all()
    )
    return {
        "title": petition.title,
        "slug": petition.slug,
        "ask": petition.ask,
        "target": petition.target,
        "status": str(petition.status),
        "goal": petition.goal,
        "count": petition.signature_count,
        "by_country": counted(Signature.country),
        "by_region": counted(Signature.region),
        "by_source": counted(Signature.source),
        "invalid": {state: by_state.get(state, 0) for state in ("over_limit", "invalidated")},
    }
