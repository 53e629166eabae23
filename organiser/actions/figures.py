"""What the coordinators' desk may ask of actions (like ``listings`` for the public pages): a
coalition's petitions and letter campaigns, their confirmed signatures and letters per day, where the
signatures came from, and who acted (to count new supporters). Every figure is counted by the
database (``GROUP BY`` the day, over any days asked for), and the answers are plain values
(``organiser.web.tallies``); the desk keeps the counts of days gone by (``organiser.desk.rollup``).

On PostgreSQL the counts read the partial indexes of migration 0030 (``*_desk``), whose ``WHERE``
is the same list of states as here. Top sources are tracking codes and co-sponsors, of signatures
and letters together."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from organiser.actions.letters.models import COUNTED_STATUSES, Letter, LetterCampaign
from organiser.actions.petitions.models import VALID_STATES, Petition, Signature
from organiser.coalitions.models import Organisation
from organiser.db import db
from organiser.web.cards import LETTERS, PETITION
from organiser.web.periods import Period, as_date, day_in, within
from organiser.web.tallies import Action, DayCount, SourceCount, one_of
from organiser.web.urls import path_for


@dataclass(frozen=True)
class Source:
    """Where signatures came from: a tracking code (``source``), and the co-sponsor it belongs to."""

    code: str
    sponsor: str  # the organisation's name, "" for a code no sponsor holds (or none)
    count: int


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def actions_of(coalition_ids: Collection[int]) -> list[Action]:
    """Every petition and letter campaign of these coalitions (drafts too: they simply count nothing)."""
    ids = list(coalition_ids)
    found = []
    for kind, model, endpoint in (
        (PETITION, Petition, "petitions.petition"),
        (LETTERS, LetterCampaign, "letters.campaign"),
    ):
        rows = db.session.execute(
            select(model.id, model.coalition_id, model.title, model.slug).where(model.coalition_id.in_(ids))
        )
        found += [Action(kind, i, c, title, path_for(endpoint, slug=slug)) for i, c, title, slug in rows]
    return found


def _signed(petition_ids: Sequence[int]) -> list[Any]:
    return [Signature.petition_id.in_(list(petition_ids)), one_of(Signature.state, VALID_STATES)]


def _by_day(key: Any, column: Any, conditions: list[Any], period: Period) -> list[DayCount]:
    day = day_in(column, _dialect(), period)
    rows = db.session.execute(
        select(key, day, func.count()).where(*conditions, *within(column, period)).group_by(key, day)
    )
    return [(k, as_date(d), n) for k, d, n in rows]


def _written(campaign_ids: Sequence[int]) -> list[Any]:
    return [Letter.campaign_id.in_(list(campaign_ids)), one_of(Letter.status, COUNTED_STATUSES)]


def signatures_by_day(petition_ids: Sequence[int], period: Period) -> list[DayCount]:
    """(petition, day, signatures confirmed that day) over ``period``; days without any left out."""
    if not petition_ids:
        return []
    return _by_day(Signature.petition_id, Signature.confirmed_at, _signed(petition_ids), period)


def letters_by_day(campaign_ids: Sequence[int], period: Period) -> list[DayCount]:
    """(campaign, day, letters confirmed that day) over ``period`` (one a decision-maker written to)."""
    if not campaign_ids:
        return []
    return _by_day(Letter.campaign_id, Letter.confirmed_at, _written(campaign_ids), period)


def sources_by_day(
    petition_ids: Sequence[int], campaign_ids: Sequence[int], period: Period
) -> list[SourceCount]:
    """(coalition, day, tracking code, co-sponsor's id or 0, how many) of the signatures and letters
    confirmed over ``period`` (a row keeps its sponsor if the code changes)."""
    counted = []
    if petition_ids:
        counted.append((Signature, Petition, Signature.petition_id, _signed(petition_ids)))
    if campaign_ids:
        counted.append((Letter, LetterCampaign, Letter.campaign_id, _written(campaign_ids)))
    found: dict[tuple[int, date, str, int], int] = {}
    for model, action, action_id, conditions in counted:
        day = day_in(model.confirmed_at, _dialect(), period)
        key = (action.coalition_id, day, model.source, model.sponsor_organisation_id)
        rows = db.session.execute(
            select(*key, func.count())
            .join(action, action.id == action_id)
            .where(*conditions, *within(model.confirmed_at, period))
            .group_by(*key)
        )
        for c, d, code, sponsor, n in rows:  # signatures and letters from one source, added up
            found[(c, as_date(d), code or "", sponsor or 0)] = (
                found.get((c, as_date(d), code or "", sponsor or 0), 0) + n
            )
    return [(*key, n) for key, n in found.items()]


def name_sources(totals: dict[tuple[str, int], int], top: int = 10) -> list[Source]:
    """The ``top`` sources of ``totals`` ((code, sponsor's id or 0) → how many), most first, each
    with its co-sponsor's name."""
    best = sorted(totals.items(), key=lambda item: (-item[1], item[0][0], item[0][1]))[:top]
    sponsor_ids = {sponsor_id for (_code, sponsor_id), _n in best if sponsor_id}
    named = select(Organisation.id, Organisation.name).where(Organisation.id.in_(sponsor_ids))
    names = {id_: name for id_, name in db.session.execute(named)} if sponsor_ids else {}
    return [Source(code, names.get(sponsor_id, ""), count) for (code, sponsor_id), count in best if count]


def actors(coalition_ids: Collection[int], since: datetime, until: datetime) -> list[Any]:
    """Queries of (coalition, person, when): everyone whose signature or letter on these coalitions'
    actions was confirmed between ``since`` and ``until`` (for ``people.figures.new_among``)."""
    ids = list(coalition_ids)
    signers = (
        select(
            Petition.coalition_id.label("coalition_id"),
            Signature.person_id.label("person_id"),
            Signature.confirmed_at.label("at"),
        )
        .join(Petition, Petition.id == Signature.petition_id)
        .where(
            Petition.coalition_id.in_(ids),
            one_of(Signature.state, VALID_STATES),
            Signature.confirmed_at >= since,
            Signature.confirmed_at < until,
            Signature.person_id.is_not(None),
        )
    )
    writers = (
        select(LetterCampaign.coalition_id, Letter.person_id, Letter.confirmed_at)
        .join(LetterCampaign, LetterCampaign.id == Letter.campaign_id)
        .where(
            LetterCampaign.coalition_id.in_(ids),
            one_of(Letter.status, COUNTED_STATUSES),
            Letter.confirmed_at >= since,
            Letter.confirmed_at < until,
            Letter.person_id.is_not(None),
        )
    )
    return [signers, writers]
