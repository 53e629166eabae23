"""What the supporters' pages may ask of actions (``organiser.people.activity``): who signed a
petition or wrote in a letter campaign of a coalition, when, and a person's signatures and letters.
Read-only; answers are SQL to combine, or plain values.

A signature counts once confirmed and not invalidated; a letter once its writer confirmed it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from organiser.actions.letters.models import COUNTED_STATUSES, CampaignStatus, Letter, LetterCampaign
from organiser.actions.petitions.models import VALID_STATES, Petition, PetitionStatus, Signature
from organiser.actions.targets.models import Target
from organiser.db import as_utc, db
from organiser.people.activity import Act, ActivitySource
from organiser.web.urls import path_for

# ---- petitions ------------------------------------------------------------------------------------


def _petitions(coalition_ids: Sequence[int]) -> list[tuple[int | None, str]]:
    rows = db.session.execute(
        select(Petition.id, Petition.title)
        .where(Petition.coalition_id.in_(coalition_ids), Petition.status != PetitionStatus.DRAFT)
        .order_by(Petition.created_at.desc(), Petition.id.desc())
    ).all()
    choices: list[tuple[int | None, str]] = [(None, _("Signed any petition"))]
    return choices + [(id_, _("Signed “%(title)s”", title=title)) for id_, title in rows]


def _signatures(coalition_ids: Sequence[int]) -> Select[Any]:
    return (
        select(
            Signature.person_id.label("person_id"),
            func.coalesce(Signature.confirmed_at, Signature.created_at).label("at"),
        )
        .join(Petition, Petition.id == Signature.petition_id)
        .where(
            Petition.coalition_id.in_(coalition_ids),
            Signature.state.in_(VALID_STATES),
            Signature.person_id.is_not(None),
        )
    )


def _signers(coalition_ids: Sequence[int], petition_id: int | None) -> Select[Any]:
    query = _signatures(coalition_ids).with_only_columns(Signature.person_id)
    return query if petition_id is None else query.where(Signature.petition_id == petition_id)


def _signed(person_id: int, coalition_ids: Sequence[int]) -> list[Act]:
    rows = db.session.execute(
        select(Petition.title, Petition.slug, Signature.confirmed_at, Signature.created_at)
        .join(Signature, Signature.petition_id == Petition.id)
        .where(
            Signature.person_id == person_id,
            Petition.coalition_id.in_(coalition_ids),
            Signature.state.in_(VALID_STATES),
        )
    ).all()
    return [
        Act("petition", title, path_for("petitions.petition", slug=slug), _("Signed"), as_utc(when or made))
        for title, slug, when, made in rows
    ]


PETITIONS = ActivitySource("petition", _petitions, _signers, _signatures, _signed)


# ---- letters --------------------------------------------------------------------------------------


def _campaigns(coalition_ids: Sequence[int]) -> list[tuple[int | None, str]]:
    rows = db.session.execute(
        select(LetterCampaign.id, LetterCampaign.title)
        .where(LetterCampaign.coalition_id.in_(coalition_ids), LetterCampaign.status != CampaignStatus.DRAFT)
        .order_by(LetterCampaign.created_at.desc(), LetterCampaign.id.desc())
    ).all()
    choices: list[tuple[int | None, str]] = [(None, _("Wrote a letter in any campaign"))]
    return choices + [(id_, _("Wrote a letter in “%(title)s”", title=title)) for id_, title in rows]


def _letters(coalition_ids: Sequence[int]) -> Select[Any]:
    return (
        select(
            Letter.person_id.label("person_id"),
            func.coalesce(Letter.confirmed_at, Letter.created_at).label("at"),
        )
        .join(LetterCampaign, LetterCampaign.id == Letter.campaign_id)
        .where(
            LetterCampaign.coalition_id.in_(coalition_ids),
            Letter.status.in_(COUNTED_STATUSES),
            Letter.person_id.is_not(None),
        )
    )


def _writers(coalition_ids: Sequence[int], campaign_id: int | None) -> Select[Any]:
    query = _letters(coalition_ids).with_only_columns(Letter.person_id)
    return query if campaign_id is None else query.where(Letter.campaign_id == campaign_id)


def _wrote(person_id: int, coalition_ids: Sequence[int]) -> list[Act]:
    rows = db.session.execute(
        select(LetterCampaign.title, LetterCampaign.slug, Target.name, Letter.confirmed_at, Letter.created_at)
        .join(Letter, Letter.campaign_id == LetterCampaign.id)
        .outerjoin(Target, Target.id == Letter.target_id)
        .where(
            Letter.person_id == person_id,
            LetterCampaign.coalition_id.in_(coalition_ids),
            Letter.status.in_(COUNTED_STATUSES),
        )
    ).all()
    return [
        Act(
            "letters",
            title,
            path_for("letters.campaign", slug=slug),
            _("Wrote to %(target)s", target=target) if target else _("Wrote a letter"),
            as_utc(when or made),
        )
        for title, slug, target, when, made in rows
    ]


LETTERS = ActivitySource("letters", _campaigns, _writers, _letters, _wrote)
SOURCES = (PETITIONS, LETTERS)
