"""What the public listings may ask of actions (like ``interface``, for the pages above actions: the
coalition page, the home page, the search): open petitions and letter campaigns with their live
counts, how active each was this week, their outcomes (delivered, answered), and a text search.

Answers are ``organiser.web.cards.Card`` values, never ORM rows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from organiser.actions.letters.models import COUNTED_STATUSES, CampaignStatus, Letter, LetterCampaign
from organiser.actions.petitions.models import (
    VALID_STATES,
    Petition,
    PetitionDelivery,
    PetitionStatus,
    Signature,
)
from organiser.actions.targets.models import Response, Target
from organiser.coalitions.models import Coalition
from organiser.db import as_utc, db
from organiser.web import search
from organiser.web.cards import LETTERS, PETITION, Card
from organiser.web.urls import path_for

MAX_RESULTS = 200  # search results per kind of action
# What visitors may see, named rather than "not a draft": a state added later stays hidden until listed.
PUBLIC_PETITIONS = (PetitionStatus.OPEN, PetitionStatus.CLOSED, PetitionStatus.DELIVERED)
PUBLIC_CAMPAIGNS = (CampaignStatus.OPEN, CampaignStatus.CLOSED)
# What the search reads, in the order of the full-text indexes' expressions (migration 0027).
PETITION_TEXT = (Petition.title, Petition.ask, Petition.background, Petition.target)
CAMPAIGN_TEXT = (LetterCampaign.title, LetterCampaign.intro)


def _within(query: Any, column: Any, coalition_ids: Collection[int] | None) -> Any:
    return query if coalition_ids is None else query.where(column.in_(list(coalition_ids)))


def _petition_card(petition: Petition, coalition: Coalition, **extra: Any) -> Card:
    return Card(
        kind=PETITION,
        id=petition.id,
        title=petition.title,
        url=path_for("petitions.petition", slug=petition.slug),
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        country=coalition.country,
        summary=petition.ask,
        status=str(petition.status),
        count=petition.signature_count,
        goal=petition.goal,
        since=as_utc(petition.opened_at or petition.created_at),
        **extra,
    )


def _campaign_card(campaign: LetterCampaign, coalition: Coalition, **extra: Any) -> Card:
    return Card(
        kind=LETTERS,
        id=campaign.id,
        title=campaign.title,
        url=path_for("letters.campaign", slug=campaign.slug),
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        country=coalition.country,
        summary=campaign.intro,
        status=str(campaign.status),
        count=campaign.letter_count,
        since=as_utc(campaign.opened_at or campaign.created_at),
        **extra,
    )


def _petitions(*conditions: Any, coalition_ids: Collection[int] | None = None) -> list[tuple[Any, ...]]:
    query = (
        select(Petition, Coalition).join(Coalition, Coalition.id == Petition.coalition_id).where(*conditions)
    )
    return list(db.session.execute(_within(query, Petition.coalition_id, coalition_ids)))


def _campaigns(*conditions: Any, coalition_ids: Collection[int] | None = None) -> list[tuple[Any, ...]]:
    query = (
        select(LetterCampaign, Coalition)
        .join(Coalition, Coalition.id == LetterCampaign.coalition_id)
        .where(*conditions)
    )
    return list(db.session.execute(_within(query, LetterCampaign.coalition_id, coalition_ids)))


def open_actions(coalition_ids: Collection[int] | None = None) -> list[Card]:
    """Open petitions and letter campaigns of these coalitions (all, for None), with their live counts."""
    petitions = _petitions(Petition.status == PetitionStatus.OPEN, coalition_ids=coalition_ids)
    campaigns = _campaigns(LetterCampaign.status == CampaignStatus.OPEN, coalition_ids=coalition_ids)
    return [_petition_card(p, c) for p, c in petitions] + [_campaign_card(k, c) for k, c in campaigns]


def activity(since: datetime) -> dict[tuple[str, int], int]:
    """Signatures confirmed and letters sent since then, per open petition and campaign."""
    signatures = (
        select(Signature.petition_id, func.count())
        .join(Petition, Petition.id == Signature.petition_id)
        .where(
            Petition.status == PetitionStatus.OPEN,
            Signature.state.in_(VALID_STATES),
            Signature.confirmed_at >= since,
        )
        .group_by(Signature.petition_id)
    )
    letters = (
        select(Letter.campaign_id, func.count())
        .join(LetterCampaign, LetterCampaign.id == Letter.campaign_id)
        .where(
            LetterCampaign.status == CampaignStatus.OPEN,
            Letter.status.in_(COUNTED_STATUSES),
            Letter.confirmed_at >= since,
        )
        .group_by(Letter.campaign_id)
    )
    counts = {(PETITION, pid): n for pid, n in db.session.execute(signatures)}
    counts.update({(LETTERS, cid): n for cid, n in db.session.execute(letters)})
    return counts


# ---- outcomes -------------------------------------------------------------------------------------------


def _latest_responses(column: Any, ids: list[int]) -> dict[int, tuple[Response, Target]]:
    """The response recorded last for each of these petitions (or campaigns), with its decision-maker."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Response, Target)
        .join(Target, Target.id == Response.target_id)
        .where(column.in_(ids))
        .order_by(Response.recorded_at, Response.id)
    )
    return {getattr(response, column.key): (response, target) for response, target in rows}


def _answered(found: tuple[Response, Target] | None) -> dict[str, Any]:
    if found is None:
        return {}
    response, target = found
    return {
        "outcome": "answered",
        "outcome_on": response.responded_on or as_utc(response.recorded_at).date(),
        "note": response.text,
        "note_by": ", ".join(part for part in (target.name, target.role) if part),
    }


def outcomes(coalition_ids: Collection[int] | None = None) -> list[Card]:
    """Petitions delivered, petitions and letter campaigns answered: each with its latest news."""
    answered_petitions = select(Response.petition_id).where(Response.petition_id.is_not(None))
    petitions = _petitions(
        (Petition.status == PetitionStatus.DELIVERED) | Petition.id.in_(answered_petitions),
        Petition.status.in_(PUBLIC_PETITIONS),
        coalition_ids=coalition_ids,
    )
    ids = [p.id for p, _c in petitions]
    rows = db.session.execute(
        select(PetitionDelivery.petition_id, func.max(PetitionDelivery.delivered_at))
        .where(PetitionDelivery.petition_id.in_(ids))
        .group_by(PetitionDelivery.petition_id)
    )
    delivered = {petition_id: at for petition_id, at in rows}
    responses = _latest_responses(Response.petition_id, ids)
    cards = []
    for petition, coalition in petitions:
        when = as_utc(delivered.get(petition.id) or petition.closed_at or petition.created_at)
        news = {"outcome": "delivered", "outcome_on": when.date()} | _answered(responses.get(petition.id))
        cards.append(_petition_card(petition, coalition, **news))
    return cards + _answered_campaigns(coalition_ids)


def _answered_campaigns(coalition_ids: Collection[int] | None) -> list[Card]:
    answered = select(Response.campaign_id).where(Response.campaign_id.is_not(None))
    campaigns = _campaigns(
        LetterCampaign.id.in_(answered),
        LetterCampaign.status.in_(PUBLIC_CAMPAIGNS),
        coalition_ids=coalition_ids,
    )
    responses = _latest_responses(Response.campaign_id, [c.id for c, _co in campaigns])
    return [
        _campaign_card(campaign, coalition, **_answered(responses.get(campaign.id)))
        for campaign, coalition in campaigns
    ]


# ---- search ---------------------------------------------------------------------------------------------


def search_actions(q: str) -> list[Card]:
    """Public petitions and letter campaigns whose words match ``q``, best first (PostgreSQL), newest
    first (SQLite); at most ``MAX_RESULTS`` of each."""
    session = db.session
    found, rank = search.matches(session, q, *PETITION_TEXT)
    petitions = session.execute(
        select(Petition, Coalition, rank)
        .join(Coalition, Coalition.id == Petition.coalition_id)
        .where(found, Petition.status.in_(PUBLIC_PETITIONS))
        .order_by(rank.desc(), Petition.id.desc())
        .limit(MAX_RESULTS)
    )
    cards = [_petition_card(p, c, rank=float(r or 0)) for p, c, r in petitions]
    found, rank = search.matches(session, q, *CAMPAIGN_TEXT)
    campaigns = session.execute(
        select(LetterCampaign, Coalition, rank)
        .join(Coalition, Coalition.id == LetterCampaign.coalition_id)
        .where(found, LetterCampaign.status.in_(PUBLIC_CAMPAIGNS))
        .order_by(rank.desc(), LetterCampaign.id.desc())
        .limit(MAX_RESULTS)
    )
    return cards + [_campaign_card(k, c, rank=float(r or 0)) for k, c, r in campaigns]
