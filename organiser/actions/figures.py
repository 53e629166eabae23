"""What the coordinators' desk may ask of actions (like ``listings`` for the public pages): a
coalition's petitions and letter campaigns, their confirmed signatures and letters per day, where the
signatures came from, and who acted (to count new supporters). Every figure is counted by the
database (``GROUP BY`` the day), and the answers are plain values (``organiser.web.tallies``).

On PostgreSQL the counts read the partial indexes of migration 0030 (``*_desk``), whose ``WHERE``
is the same list of states as here. Letters have no ``source`` of their own yet: top sources are
petition sponsors and tracking codes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from organiser.actions.letters.models import COUNTED_STATUSES, Letter, LetterCampaign
from organiser.actions.petitions.models import VALID_STATES, Petition, Signature
from organiser.coalitions.models import Organisation
from organiser.db import db
from organiser.web.cards import LETTERS, PETITION
from organiser.web.periods import Period, as_date, compared, day_or_before
from organiser.web.tallies import Action, DayCount, one_of
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
    day = day_or_before(column, _dialect(), period)
    rows = db.session.execute(
        select(key, day, func.count()).where(*conditions, *compared(column, period)).group_by(key, day)
    )
    return [(k, as_date(d), n) for k, d, n in rows]


def signatures_by_day(petition_ids: Sequence[int], period: Period) -> list[DayCount]:
    """(petition, day, signatures confirmed that day) over ``period``, and (petition, None, how many)
    over the period before it; days without any are left out."""
    if not petition_ids:
        return []
    return _by_day(Signature.petition_id, Signature.confirmed_at, _signed(petition_ids), period)


def letters_by_day(campaign_ids: Sequence[int], period: Period) -> list[DayCount]:
    """(campaign, day, letters confirmed that day) over ``period`` (one a decision-maker written to),
    and (campaign, None, how many) over the period before it."""
    if not campaign_ids:
        return []
    written = [Letter.campaign_id.in_(list(campaign_ids)), one_of(Letter.status, COUNTED_STATUSES)]
    return _by_day(Letter.campaign_id, Letter.confirmed_at, written, period)


def sources(petition_ids: Sequence[int], period: Period, top: int = 10) -> list[Source]:
    """The ``top`` sources of the signatures confirmed over ``period``, most first: each tracking code
    with the co-sponsor it brought signers for (a signature keeps its sponsor if the code changes)."""
    if not petition_ids:
        return []
    n = func.count().label("n")
    counted = (
        select(Signature.sponsor_organisation_id, Signature.source, n)
        .where(*_signed(petition_ids), Signature.confirmed_at >= period.start)
        .where(Signature.confirmed_at < period.end)
        .group_by(Signature.sponsor_organisation_id, Signature.source)
        .order_by(n.desc(), Signature.source)
        .limit(top)
    ).subquery()
    rows = db.session.execute(
        select(counted.c.source, Organisation.name, counted.c.n)
        .outerjoin(Organisation, Organisation.id == counted.c.sponsor_organisation_id)
        .order_by(counted.c.n.desc(), counted.c.source)
    )
    return [Source(code or "", sponsor or "", count) for code, sponsor, count in rows]


def actors(coalition_ids: Collection[int], since: datetime, until: datetime) -> list[Any]:
    """Queries of (coalition, person): everyone whose signature or letter on these coalitions'
    actions was confirmed between ``since`` and ``until`` (for ``people.figures.new_among``)."""
    ids = list(coalition_ids)
    signers = (
        select(Petition.coalition_id.label("coalition_id"), Signature.person_id.label("person_id"))
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
        select(LetterCampaign.coalition_id, Letter.person_id)
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
