"""What an adopted demand becomes: a petition or a letter campaign, launched in one step through
``organiser.actions.interface`` — in draft, pre-filled (title, ask, decision-maker, and where it
comes from: the assembly, its vote and the tribunal's verdict, with the link back) for the
coordinators to finish; then the outcome they record (delivered, responded, partly won, won) with a
dated note. ``chain`` is what the assembly's public page shows: testimony → verdict → demand →
action → response."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions import interface
from organiser.assemblies.demands.models import ActionKind, Demand, DemandStatus, Outcome, Voting
from organiser.assemblies.demands.services.proposals import demands_of
from organiser.assemblies.demands.services.voting import Tally, results, state_of, voting_of
from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals.models import Judgment, Verdict
from organiser.db import db, utcnow
from organiser.web.urls import external_url, path_for

log = logging.getLogger(__name__)


class LaunchStateError(Exception):
    """The demand cannot launch an action, or take an outcome, now; the message says why."""


def published_verdict(demand: Demand) -> Verdict | None:
    """The verdict on the charge the demand comes from, once the judgment is published."""
    if demand.charge is None or demand.charge.verdict is None:
        return None
    published = db.session.scalar(
        select(Judgment.published_at).where(Judgment.assembly_id == demand.assembly_id)
    )
    return demand.charge.verdict if published is not None else None


def _title(text: str) -> str:
    """The demand's first sentence, short enough for a title."""
    first = text.strip().split("\n")[0].split(". ")[0].rstrip(".")
    return first if len(first) <= 150 else first[:147].rstrip() + "…"


def _background(demand: Demand, tally: Tally) -> str:
    assembly = demand.assembly
    decided = format_date(demand.decided_at or utcnow(), "long")
    if demand.consensus:
        adopted = _("This demand was adopted by consensus by %(assembly)s on %(date)s.")
    else:
        adopted = _(
            "This demand was adopted by %(assembly)s on %(date)s (%(for)s for, %(against)s against, "
            "%(abstain)s abstaining)."
        )
    votes = {"for": tally.for_, "against": tally.against, "abstain": tally.abstain}
    lines = [adopted % {"assembly": assembly.title, "date": decided, **votes}]
    verdict = published_verdict(demand)
    if verdict is not None:
        lines.append(
            _(
                "It follows the tribunal's verdict on the charge “%(charge)s” against %(accused)s: "
                "%(reasoning)s",
                charge=demand.charge.title,
                accused=demand.charge.accused,
                reasoning=verdict.reasoning,
            )
        )
    lines.append(
        _(
            "The assembly, its verdict and its demands: %(url)s",
            url=external_url("assemblies.public", slug=assembly.slug),
        )
    )
    return "\n\n".join(lines)


def launch(demand: Demand, kind: str, *, by: Any) -> interface.Launched:
    """The demand's petition or letter campaign, in draft; the demand holds it from now on."""
    if demand.status != DemandStatus.ADOPTED:
        raise LaunchStateError(_("Only an adopted demand can launch an action."))
    if demand.launched_at is not None:
        raise LaunchStateError(_("This demand has launched an action already."))
    draft = interface.Draft(
        title=_title(demand.text),
        ask=demand.text,
        background=_background(demand, results(demand.assembly)[demand.id]),
        target_id=demand.target_id,
        target_name=demand.addressed_to,
    )
    try:
        launched = interface.launch(kind, demand.assembly.coalition_id, draft, by=by)
    except interface.LaunchError as error:
        raise LaunchStateError(
            _("A letter campaign needs a decision-maker from your list: change the demand first.")
        ) from error
    demand.action_kind = ActionKind(launched.kind)
    demand.petition_id = launched.id if launched.kind == interface.PETITION else None
    demand.campaign_id = launched.id if launched.kind == interface.LETTERS else None
    demand.launched_at, demand.outcome, demand.outcome_on = utcnow(), Outcome.LAUNCHED, utcnow().date()
    db.session.flush()
    log.info("demand %s launched %s %s by %s", demand.id, launched.kind, launched.id, by.id)
    return launched


def set_outcome(demand: Demand, outcome: Outcome | str, *, note: str, on: date, by: Any) -> None:
    """Where the demand's action stands, with a dated note, shown on the assembly's page."""
    if demand.launched_at is None:
        raise LaunchStateError(_("Launch an action from the demand first."))
    demand.outcome, demand.outcome_note, demand.outcome_on = Outcome(outcome), note.strip(), on
    db.session.flush()
    log.info("outcome of demand %s set to %s by %s", demand.id, outcome, by.id)


def action_id(demand: Demand) -> int | None:
    return demand.petition_id if demand.action_kind == ActionKind.PETITION else demand.campaign_id


# ---- the chain on the assembly's page ------------------------------------------------------------------


@dataclass
class Link:
    """One demand on the public page, with everything that came of it."""

    demand: Demand
    tally: Tally | None  # once the vote is closed
    verdict: Verdict | None
    action: interface.ActionState | None


@dataclass
class Chain:
    voting: Voting | None
    state: str
    links: list[Link]


def chain(assembly: Assembly) -> Chain:
    voting = voting_of(assembly)
    state = state_of(voting)
    tallies = results(assembly) if state == "closed" else {}
    links = [
        Link(
            demand=demand,
            tally=tallies.get(demand.id),
            verdict=published_verdict(demand),
            action=interface.action_state(demand.action_kind, action_id(demand)),
        )
        for demand in demands_of(assembly)
    ]
    return Chain(voting, state, links)


def origin(kind: str, action: int) -> interface.Origin | None:
    """Where an action comes from (``interface.register_origin``): the assembly whose demand it carries."""
    column = Demand.petition_id if kind == interface.PETITION else Demand.campaign_id
    demand = db.session.scalar(select(Demand).where(column == action, Demand.action_kind == kind).limit(1))
    if demand is None or not demand.assembly.is_public:
        return None
    return interface.Origin(demand.assembly.title, path_for("assemblies.public", slug=demand.assembly.slug))
