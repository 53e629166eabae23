"""Demo data for demands: the three demands FIA Zambia's tribunal voted on at the end of its day (a
simple majority of those checked in), two adopted, one not; the first launched as a petition to the
Minister of Finance through ``organiser.actions.interface``, as the organisers' button does. The
petition stays a draft here: ``organiser.demo`` opens it and has it signed (assemblies do not reach
into petitions). Seeded by ``organiser.assemblies.demo``, after ``tribunals.demo``.

The services do the work where they send no mail (proposing, casting, closing, launching, the
outcome); the window is opened by writing it, since opening it e-mails every voter their link."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from organiser.actions import interface
from organiser.assemblies.demands.models import AdoptionRule, Choice, Demand, Outcome, Vote, Voting
from organiser.assemblies.demands.services import (
    add_demand,
    charges_of,
    close_voting,
    launch,
    set_outcome,
    voters,
    voting_of,
)
from organiser.assemblies.models import Assembly
from organiser.db import as_utc, db

# The text, who it is addressed to, the charge it comes from (its index), and the six voters' choices.
_DEMANDS = (
    (
        "Restore the health and education budgets before any new payment to external creditors. Bring the "
        "shares of the budget for clinics and schools back to where they stood before the debt crisis, "
        "and publish each year what debt payments cost them.",
        "Minister of Finance and National Planning, Government of Zambia",
        0,
        ("for", "for", "for", "for", "for", "abstain"),
    ),
    (
        "Lift the freeze on hiring in the public sector and recruit the nurses and teachers already "
        "trained, and end loan conditions that cap the wages of health workers and teachers.",
        "International Monetary Fund and the Government of Zambia",
        1,
        ("for", "for", "for", "against", "for", "abstain"),
    ),
    (
        "Stop every payment on external debt until the budgets for public services are restored.",
        "Government of Zambia",
        0,
        ("for", "against", "against", "for", "against", "abstain"),
    ),
)


OUTCOME_NOTE = "The petition to the Minister is open for signatures; we deliver it before the budget debate."


def seed_demands(tribunal: Assembly, *, by: Any) -> Demand:
    """Propose, vote, close (by simple majority) and launch the first demand as a draft petition,
    three days after the tribunal; the demand it launched (its ``petition_id`` and ``launched_at``:
    what ``organiser.demo`` opens, and when)."""
    charges = charges_of(tribunal)
    demands = [
        add_demand(tribunal, by=by, text=text, addressed_to=to, charge_id=charges[charge].id)
        for text, to, charge, _choices in _DEMANDS
    ]
    closed = as_utc(tribunal.starts_at) + timedelta(hours=7)
    _vote(tribunal, demands, opened=closed - timedelta(hours=1), by=by)
    _held_on_the_day(tribunal, demands, closed)
    launched = demands[0]
    _launch(launched, by=by)
    launched.launched_at = closed + timedelta(days=3)
    set_outcome(launched, Outcome.LAUNCHED, note=OUTCOME_NOTE, on=launched.launched_at.date(), by=by)
    return launched


def _vote(tribunal: Assembly, demands: list[Demand], *, opened: datetime, by: Any) -> None:
    """Each person checked in votes once on each demand; then the window closes by the rule.

    The votes are written here rather than through ``cast``: its savepoint, once released, runs the
    jobs the seed queued before it (``organiser.jobs`` dispatches on a savepoint's release too), and
    in the embedded demo those would wait on the seed's own transaction."""
    db.session.add(Voting(assembly_id=tribunal.id, rule=AdoptionRule.SIMPLE_MAJORITY, opened_at=opened))
    for index, registration in enumerate(voters(tribunal)):
        for demand, each in zip(demands, _DEMANDS, strict=True):
            choice = Choice(each[3][index])
            cast_at = opened + timedelta(minutes=5 * index)
            db.session.add(
                Vote(demand_id=demand.id, registration_id=registration.id, choice=choice, cast_at=cast_at)
            )
    db.session.flush()
    close_voting(tribunal, by=by)


def _held_on_the_day(tribunal: Assembly, demands: list[Demand], closed: datetime) -> None:
    """The vote closed on the day of the tribunal, not when the demo was seeded."""
    voting_of(tribunal).closed_at = closed
    for demand in demands:
        demand.decided_at = closed
    db.session.flush()


def _launch(demand: Demand, *, by: Any) -> interface.Launched:
    """As the organisers' button does."""
    return launch(demand, interface.PETITION, by=by)
