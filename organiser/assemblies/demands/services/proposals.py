"""Proposed demands: the organisers add, change, remove and reorder them until the vote opens; what
a demand comes from (a charge of the tribunal, or a theme) and who it is addressed to (one of the
coalition's decision-makers, read through ``organiser.actions.interface``, or a name typed)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from organiser.actions import interface
from organiser.assemblies.demands.models import Demand, Voting
from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals.models import Charge
from organiser.db import db

log = logging.getLogger(__name__)


class DemandStateError(Exception):
    """The demand cannot change now (the vote has opened)."""


def demands_of(assembly: Assembly) -> list[Demand]:
    query = select(Demand).where(Demand.assembly_id == assembly.id).order_by(Demand.position, Demand.id)
    return list(db.session.scalars(query))


def demand_of(assembly: Assembly, demand_id: int) -> Demand | None:
    demand = db.session.get(Demand, demand_id)
    return demand if demand is not None and demand.assembly_id == assembly.id else None


def charges_of(assembly: Assembly) -> list[Charge]:
    query = select(Charge).where(Charge.assembly_id == assembly.id).order_by(Charge.position, Charge.id)
    return list(db.session.scalars(query))


def voting_started(assembly: Assembly) -> bool:
    opened = db.session.scalar(select(Voting.opened_at).where(Voting.assembly_id == assembly.id))
    return opened is not None


def _fields(assembly: Assembly, fields: dict[str, Any]) -> dict[str, Any]:
    """What a demand keeps: a decision-maker of another coalition, or a charge of another assembly,
    is not one (the form's choices hold only these, but a crafted request may send others)."""
    target = interface.decision_maker(fields.get("target_id"), assembly.coalition_id)
    charge_id = fields.get("charge_id")
    if charge_id not in {c.id for c in charges_of(assembly)}:
        charge_id = None
    return {
        "text": fields["text"].strip(),
        "target_id": target.id if target is not None else None,
        "addressed_to": (fields.get("addressed_to") or "").strip() or (target.label[:200] if target else ""),
        "charge_id": charge_id,
        "theme": (fields.get("theme") or "").strip(),
    }


def add_demand(assembly: Assembly, *, by: Any, **fields: Any) -> Demand:
    if voting_started(assembly):
        raise DemandStateError("the vote has opened")
    last = db.session.scalar(select(func.max(Demand.position)).where(Demand.assembly_id == assembly.id))
    demand = Demand(assembly_id=assembly.id, position=(last or 0) + 1, **_fields(assembly, fields))
    db.session.add(demand)
    db.session.flush()
    log.info("demand %s proposed for assembly %s by %s", demand.id, assembly.id, by.id)
    return demand


def update_demand(demand: Demand, *, by: Any, **fields: Any) -> None:
    if voting_started(demand.assembly):
        raise DemandStateError("the vote has opened")
    for key, value in _fields(demand.assembly, fields).items():
        setattr(demand, key, value)
    db.session.flush()
    log.info("demand %s changed by %s", demand.id, by.id)


def remove_demand(demand: Demand, *, by: Any) -> None:
    if voting_started(demand.assembly):
        raise DemandStateError("the vote has opened")
    db.session.delete(demand)
    db.session.flush()
    log.info("demand %s of assembly %s removed by %s", demand.id, demand.assembly_id, by.id)


def move_demand(demand: Demand, step: int, *, by: Any) -> None:
    """Swap the demand with its neighbour above (``step`` -1) or below (+1); at an end, nothing."""
    order = demands_of(demand.assembly)
    index = order.index(demand)
    if not 0 <= index + step < len(order):
        return
    order[index], order[index + step] = order[index + step], order[index]
    for position, each in enumerate(order, start=1):
        each.position = position
    db.session.flush()
    log.info("demand %s moved %s by %s", demand.id, "up" if step < 0 else "down", by.id)
