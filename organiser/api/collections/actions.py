"""Petitions and their signatures; letter campaigns (OSDI's advocacy campaigns) and their letters
(outreaches). An organisation's key sees the published ones, and of the signatures and letters only
those of people who agree to hear from it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import url_for
from sqlalchemy import select

from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign, LetterStatus
from organiser.actions.petitions.models import VALID_STATES, Petition, PetitionStatus, Signature
from organiser.api.collections.schema import COUNT, MAYBE_TIME, TEXT, objects
from organiser.api.registry import Collection, href, iso, register
from organiser.api.scope import ApiScope

MODIFIED = ("closed_at", "opened_at", "created_at")  # an action changes most when it opens and closes


def _petitions_visible(scope: ApiScope) -> list[Any]:
    conditions = [scope.in_coalitions(Petition.coalition_id)]
    if not scope.is_coordinator:
        conditions.append(Petition.status != PetitionStatus.DRAFT)
    return conditions


def _petitions(rows: Sequence[Petition], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "title": p.title,
            "name": p.slug,
            "description": p.background,
            "petition_text": p.ask,
            "target": [{"name": p.target}] if p.target else [],
            "total_signatures": p.signature_count,
            "organiser:status": str(p.status),
            "organiser:goal": p.goal,
            "browser_url": url_for("petitions.petition", slug=p.slug, _external=True),
            "_links": {"organiser:coalition": href("coalitions", p.coalition_id)},
        }
        for p in rows
    ]


register(
    Collection(
        name="petitions",
        item="petition",
        model=Petition,
        summary="Petitions",
        visible=_petitions_visible,
        render=_petitions,
        properties={
            "title": TEXT,
            "name": TEXT,
            "description": TEXT,
            "petition_text": TEXT,
            "target": objects({"name": TEXT}),
            "total_signatures": COUNT,
            "organiser:status": TEXT,
            "organiser:goal": {"type": "integer"},
            "browser_url": TEXT,
        },
        modified=MODIFIED,
        links=("organiser:coalition",),
    )
)


def _signatures_visible(scope: ApiScope) -> list[Any]:
    conditions = [Signature.petition_id.in_(select(Petition.id).where(*_petitions_visible(scope)))]
    if not scope.is_coordinator:
        conditions += [Signature.state.in_(VALID_STATES), Signature.person_id.in_(scope.person_ids())]
    return conditions


def _signatures(rows: Sequence[Signature], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "comments": s.comment,
            "referrer_data": {"source": s.source, "referrer": s.referrer, "website": ""},
            "organiser:state": str(s.state),
            "organiser:confirmed_date": iso(s.confirmed_at),
            "_links": {
                "osdi:person": href("people", s.person_id),
                "osdi:petition": href("petitions", s.petition_id),
            },
        }
        for s in rows
    ]


register(
    Collection(
        name="signatures",
        item="signature",
        model=Signature,
        summary="A petition's signatures",
        visible=_signatures_visible,
        render=_signatures,
        properties={
            "comments": TEXT,
            "referrer_data": {
                "type": "object",
                "properties": {"source": TEXT, "referrer": TEXT, "website": TEXT},
            },
            "organiser:state": TEXT,
            "organiser:confirmed_date": MAYBE_TIME,
        },
        modified=("confirmed_at", "created_at"),
        links=("osdi:person", "osdi:petition"),
        parent="petitions",
        parent_key="petition_id",
    )
)


def _campaigns_visible(scope: ApiScope) -> list[Any]:
    conditions = [scope.in_coalitions(LetterCampaign.coalition_id)]
    if not scope.is_coordinator:
        conditions.append(LetterCampaign.status != CampaignStatus.DRAFT)
    return conditions


def _campaigns(rows: Sequence[LetterCampaign], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "title": c.title,
            "name": c.slug,
            "description": c.intro,
            "type": "email",
            "total_outreaches": c.letter_count,
            "organiser:status": str(c.status),
            "browser_url": url_for("letters.campaign", slug=c.slug, _external=True),
            "_links": {"organiser:coalition": href("coalitions", c.coalition_id)},
        }
        for c in rows
    ]


register(
    Collection(
        name="advocacy_campaigns",
        item="advocacy_campaign",
        model=LetterCampaign,
        summary="Letter campaigns",
        visible=_campaigns_visible,
        render=_campaigns,
        properties={
            "title": TEXT,
            "name": TEXT,
            "description": TEXT,
            "type": TEXT,
            "total_outreaches": COUNT,
            "organiser:status": TEXT,
            "browser_url": TEXT,
        },
        modified=MODIFIED,
        links=("organiser:coalition",),
    )
)


def _letters_visible(scope: ApiScope) -> list[Any]:
    campaigns = select(LetterCampaign.id).where(*_campaigns_visible(scope))
    conditions = [Letter.campaign_id.in_(campaigns)]
    if not scope.is_coordinator:
        conditions += [Letter.status != LetterStatus.PENDING, Letter.person_id.in_(scope.person_ids())]
    return conditions


def _letters(rows: Sequence[Letter], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "type": "email",
            "subject": letter.subject,
            "message": letter.body,
            "organiser:status": str(letter.status),
            "organiser:sent_date": iso(letter.sent_at),
            "_links": {
                "osdi:person": href("people", letter.person_id),
                "osdi:advocacy_campaign": href("advocacy_campaigns", letter.campaign_id),
            },
        }
        for letter in rows
    ]


register(
    Collection(
        name="outreaches",
        item="outreach",
        model=Letter,
        summary="A letter campaign's letters",
        visible=_letters_visible,
        render=_letters,
        properties={
            "type": TEXT,
            "subject": TEXT,
            "message": TEXT,
            "organiser:status": TEXT,
            "organiser:sent_date": MAYBE_TIME,
        },
        modified=("sent_at", "confirmed_at", "created_at"),
        links=("osdi:person", "osdi:advocacy_campaign"),
        parent="advocacy_campaigns",
        parent_key="campaign_id",
    )
)
