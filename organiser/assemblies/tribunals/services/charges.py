"""A tribunal's charges (its indictment): added, changed, moved up or down, removed; in order."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals.models import Charge
from organiser.db import db

log = logging.getLogger(__name__)


def charges_of(assembly: Assembly) -> list[Charge]:
    return list(
        db.session.scalars(
            select(Charge).where(Charge.assembly_id == assembly.id).order_by(Charge.position, Charge.id)
        )
    )


def charge_in(assembly: Assembly, charge_id: int) -> Charge | None:
    charge = db.session.get(Charge, charge_id)
    return charge if charge is not None and charge.assembly_id == assembly.id else None


def add_charge(assembly: Assembly, *, by: Any, **fields: Any) -> Charge:
    last = db.session.scalar(select(func.max(Charge.position)).where(Charge.assembly_id == assembly.id))
    charge = Charge(assembly_id=assembly.id, position=(last or 0) + 1, **fields)
    db.session.add(charge)
    db.session.flush()
    log.info("charge %s added to assembly %s by %s", charge.id, assembly.id, by.id)
    return charge


def update_charge(charge: Charge, *, by: Any, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(charge, key, value)
    db.session.flush()
    log.info("charge %s changed by %s", charge.id, by.id)


def move_charge(charge: Charge, step: int, *, by: Any) -> None:
    """Swap the charge with its neighbour above (``step`` -1) or below (+1); at an end, nothing."""
    charges = charges_of(charge.assembly)
    index = charges.index(charge)
    other = index + step
    if 0 <= other < len(charges):
        charges[index], charges[other] = charges[other], charges[index]
        for position, each in enumerate(charges, start=1):
            each.position = position
        db.session.flush()
        log.info("charge %s moved by %s", charge.id, by.id)


def remove_charge(charge: Charge, *, by: Any) -> None:
    """Remove a charge; its testimonies stay, without a charge (its verdict goes with it)."""
    log.info("charge %s removed from assembly %s by %s", charge.id, charge.assembly_id, by.id)
    db.session.delete(charge)
    db.session.flush()
