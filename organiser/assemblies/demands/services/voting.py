"""The vote on an assembly's demands. The organisers choose the rule and open the window: each
confirmed registrant, and each person checked in, is e-mailed their own link (a signed token for
their registration). Through it, or at the kiosk on the day (their check-in code typed in), they
vote for, against or abstain on each demand, once: the database's unique constraint on (demand,
registration) decides — a ballot is one INSERT … ON CONFLICT DO NOTHING — so a second vote through the
same link, even at the same moment, changes nothing. When the organisers close the window, each demand is
adopted or not by the rule (under consensus, by the chair's record)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from organiser.assemblies.demands.models import AdoptionRule, Choice, Demand, DemandStatus, Vote, Voting
from organiser.assemblies.demands.services.proposals import demands_of
from organiser.assemblies.models import PLACE_TAKING, Assembly, Registration
from organiser.assemblies.services import mail
from organiser.assemblies.services.places import lock_assembly
from organiser.db import db, utcnow
from organiser.web.public_actions import link_token, read_link_token
from organiser.web.urls import external_url

log = logging.getLogger(__name__)


class VotingStateError(Exception):
    """The vote cannot do this now (not open, closed already, no demands)."""


def voting_of(assembly: Assembly) -> Voting | None:
    return db.session.scalar(select(Voting).where(Voting.assembly_id == assembly.id))


def state_of(voting: Voting | None) -> str:
    """ "not_open", "open" or "closed"."""
    if voting is None or voting.opened_at is None:
        return "not_open"
    return "closed" if voting.closed_at is not None else "open"


# ---- who votes, and their links -------------------------------------------------------------------------


def may_vote(registration: Registration) -> bool:
    """A confirmed place or a check-in, and not erased."""
    return registration.status in PLACE_TAKING and registration.person_id is not None


def voters(assembly: Assembly) -> list[Registration]:
    query = (
        select(Registration)
        .where(
            Registration.assembly_id == assembly.id,
            Registration.status.in_(PLACE_TAKING),
            Registration.person_id.is_not(None),
        )
        .order_by(Registration.id)
    )
    return list(db.session.scalars(query))


def vote_token(registration: Registration) -> str:
    return link_token("demand.vote", registration.id)


def kiosk_token(registration: Registration) -> str:
    """The ballot at the kiosk carries this (accepted only from a signed-in organiser's kiosk)."""
    return link_token("demand.kiosk", registration.id)


def _registration_for(purpose: str, token: str) -> Registration | None:
    registration_id = read_link_token(purpose, token)
    if not isinstance(registration_id, int):
        return None
    registration = db.session.get(Registration, registration_id)
    return registration if registration is not None and registration.person_id is not None else None


def registration_for_vote(token: str) -> Registration | None:
    return _registration_for("demand.vote", token)


def registration_for_kiosk(token: str) -> Registration | None:
    return _registration_for("demand.kiosk", token)


def registration_by_code(assembly: Assembly, code: str) -> Registration | None:
    normalised = "".join(code.split()).upper()
    return db.session.scalar(
        select(Registration).where(
            Registration.assembly_id == assembly.id, Registration.check_in_code == normalised
        )
    )


def vote_url(registration: Registration) -> str:
    return external_url("demands.vote", slug=registration.assembly.slug, token=vote_token(registration))


# ---- opening and closing ----------------------------------------------------------------------------------


def open_voting(assembly: Assembly, rule: AdoptionRule, *, by: Any) -> int:
    """Open the window under ``rule`` and e-mail each voter their link; how many were e-mailed."""
    lock_assembly(assembly.id)  # two organisers pressing at once open it, and mail everyone, once
    voting = voting_of(assembly)
    if voting is not None and voting.opened_at is not None:
        closed = voting.closed_at is not None
        raise VotingStateError(_("The vote is closed.") if closed else _("The vote is open already."))
    demands = demands_of(assembly)
    if not demands:
        raise VotingStateError(_("Add the demands first."))
    if voting is None:
        voting = Voting(assembly_id=assembly.id)
        db.session.add(voting)
    voting.rule, voting.opened_at = AdoptionRule(rule), utcnow()
    db.session.flush()
    sent = 0
    for registration in voters(assembly):
        mail.send(
            registration,
            "assemblies/demands/email/vote.txt",
            _("Vote on the demands: %(title)s", title=assembly.title),
            link=vote_url(registration),
            demands=demands,
        )
        sent += 1
    log.info("vote on assembly %s's demands opened (%s) by %s; %s e-mailed", assembly.id, rule, by.id, sent)
    return sent


def open_kiosk(assembly: Assembly, *, by: Any) -> None:
    voting = voting_of(assembly)
    if state_of(voting) != "open":
        raise VotingStateError(_("Open the vote first."))
    voting.kiosk_open = True
    db.session.flush()
    log.info("kiosk of assembly %s opened by %s", assembly.id, by.id)


def close_voting(assembly: Assembly, *, by: Any) -> None:
    """Close the window and decide each demand by the rule (under consensus: as the chair recorded;
    a demand without a record stays proposed until one is)."""
    lock_assembly(assembly.id)
    voting = voting_of(assembly)
    if state_of(voting) != "open":
        raise VotingStateError(_("Only an open vote can be closed."))
    voting.closed_at, voting.kiosk_open = utcnow(), False
    tallies = results(assembly)
    for demand in demands_of(assembly):
        _decide(demand, voting.rule, tallies[demand.id])
    db.session.flush()
    log.info("vote on the demands of assembly %s closed by %s", assembly.id, by.id)


def record_consensus(demand: Demand, adopted: bool, *, by: Any) -> None:
    """The chair's record for one demand, under the consensus rule; decides it once the vote is closed."""
    voting = voting_of(demand.assembly)
    if voting is None or voting.opened_at is None or voting.rule != AdoptionRule.CONSENSUS:
        raise VotingStateError(_("Consensus is recorded once a vote by consensus is open."))
    if demand.launched_at is not None:
        raise VotingStateError(_("This demand has launched an action already."))
    demand.consensus = adopted
    if voting.closed_at is not None:
        _decide(demand, voting.rule, Tally())
    db.session.flush()
    log.info("consensus on demand %s recorded (%s) by %s", demand.id, adopted, by.id)


# ---- votes and results -----------------------------------------------------------------------------


@dataclass
class Tally:
    for_: int = 0
    against: int = 0
    abstain: int = 0

    @property
    def total(self) -> int:
        return self.for_ + self.against + self.abstain


def adopted_by(rule: AdoptionRule | str, tally: Tally, consensus: bool | None) -> bool | None:
    """Whether the rule adopts the demand; None under consensus until the chair records it."""
    if rule == AdoptionRule.CONSENSUS:
        return consensus
    if rule == AdoptionRule.TWO_THIRDS:
        return tally.for_ > 0 and 3 * tally.for_ >= 2 * (tally.for_ + tally.against)
    return tally.for_ > tally.against


def _decide(demand: Demand, rule: AdoptionRule, tally: Tally) -> None:
    adopted = adopted_by(rule, tally, demand.consensus)
    if adopted is None:
        return
    demand.status = DemandStatus.ADOPTED if adopted else DemandStatus.NOT_ADOPTED
    demand.decided_at = utcnow()


def results(assembly: Assembly) -> dict[int, Tally]:
    """For, against and abstain, per demand (every demand has a tally, maybe of nothing)."""
    tallies = {d.id: Tally() for d in demands_of(assembly)}
    query = (
        select(Vote.demand_id, Vote.choice, func.count())
        .join(Demand, Demand.id == Vote.demand_id)
        .where(Demand.assembly_id == assembly.id)
        .group_by(Vote.demand_id, Vote.choice)
    )
    for demand_id, choice, count in db.session.execute(query):
        setattr(tallies[demand_id], "for_" if choice == Choice.FOR else str(choice), count)
    return tallies


def votes_of(registration: Registration) -> dict[int, str]:
    """demand id → the choice this registration made."""
    query = select(Vote.demand_id, Vote.choice).where(Vote.registration_id == registration.id)
    return {demand_id: str(choice) for demand_id, choice in db.session.execute(query)}


def cast(
    registration: Registration,
    choices: dict[int, str],
    *,
    at_kiosk: bool = False,
    demands: list[Demand] | None = None,
    voting: Voting | None = None,
) -> int:
    """Record the registration's choices on the assembly's demands (``demands`` and ``voting`` as
    the caller read them, or read here); a demand it voted on already keeps its first vote. How
    many votes were recorded now."""
    assembly = registration.assembly
    if state_of(voting or voting_of(assembly)) != "open":
        raise VotingStateError(_("The vote is not open."))
    if not may_vote(registration):
        raise VotingStateError(_("Only people with a confirmed place can vote."))
    ours = {d.id for d in (demands if demands is not None else demands_of(assembly))}
    now = utcnow()
    rows = [
        {"demand_id": demand_id, "registration_id": registration.id, "choice": choice, "at_kiosk": at_kiosk}
        | {"cast_at": now}
        for demand_id, choice in choices.items()
        if demand_id in ours and choice in set(Choice)
    ]
    recorded = _insert_new(rows) if rows else 0
    log.info("%s votes recorded for registration %s%s", recorded, registration.id, " at the kiosk" * at_kiosk)
    return recorded


def _insert_new(rows: list[dict[str, Any]]) -> int:
    """Insert the votes no one cast yet, in one statement (the unique constraint decides, even for
    the same ballot sent twice at once); how many were inserted."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Vote)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["demand_id", "registration_id"])
        .returning(Vote.demand_id)
    )
    return len(db.session.execute(statement).scalars().all())
