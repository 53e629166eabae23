"""The demo, seeded by the command line (``organiser seed-demo`` and ``organiser demo``) and by
nothing else: each package seeds its own part (``coalitions.demo``, ``actions.petitions.demo``,
``actions.letters.demo``, ``assemblies.demo``), in this order (with an SIA petition delivered and
answered, and an SIA assembly ahead, for the Alliance's page); then the petition the Zambian
tribunal's adopted demand launched is opened and signed (``actions.petitions.demo``), since
assemblies reach actions only through ``actions.interface``. Data from the alliances Organiser is
built for (see shared FACTS: real organisations, no invented contact details; every demo address is
at example.org)."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import func, select

from organiser.actions.letters.demo import seed_letters, seed_region_letters
from organiser.actions.petitions.community.demo import seed_community
from organiser.actions.petitions.demo import open_demand_petition, seed_delivered_petition, seed_petitions
from organiser.actions.petitions.support.demo import place_demo_signatures
from organiser.actions.targets.boundaries.demo import seed_uk_map, seed_zambian_map
from organiser.assemblies.demo import COORDINATOR as ZAMBIA_COORDINATOR
from organiser.assemblies.demo import seed_assemblies, seed_sia_assembly
from organiser.coalitions.demo import DEMO_PASSWORD, DEMO_USERS, seed_coalitions
from organiser.coalitions.models import Coalition
from organiser.core.models import User
from organiser.db import db
from organiser.messaging.services.mailings import create_mailing

__all__ = ["DEMO_PASSWORD", "print_logins", "seed_demo"]


def seed_demo() -> bool:
    """Seed an empty database; return False (and change nothing) when coalitions exist already."""
    if db.session.scalar(select(func.count()).select_from(Coalition)):
        return False
    coalitions = seed_coalitions()
    admin = User.by_email("sia.coordinator@example.org")
    seed_petitions(coalitions.sia, coalitions.zambia, admin)
    seed_community(coalitions.sia)
    seed_letters(coalitions.sia, admin)
    seed_region_letters(coalitions.sia, coalitions.zambia, admin)
    seed_delivered_petition(coalitions.sia, admin)  # after the letters: they go to every SIA target
    assemblies = seed_assemblies(coalitions.zambia)
    seed_sia_assembly(coalitions.sia, by=admin)
    zambia_coordinator = User.by_email(ZAMBIA_COORDINATOR)
    open_demand_petition(
        assemblies.petition_id, coalitions.zambia, zambia_coordinator, opened_at=assemblies.launched_at
    )
    seed_uk_map(coalitions.sia, admin)
    seed_zambian_map(coalitions.zambia, zambia_coordinator)
    place_demo_signatures()  # where support comes from, once the lookup tables exist
    _seed_mailing(coalitions.sia, admin)
    db.session.commit()
    return True


def _seed_mailing(sia: Coalition, admin: User) -> None:
    """A draft mailing to everyone who agreed to hear from SIA."""
    create_mailing(
        sia.id,
        by=admin,
        subject="85% of us are worried about inequality. Tell your MP.",
        from_name="Structural Inequalities Alliance",
        reply_to="",
        segments=[{"kind": "coalition_supporters"}],
        body_markdown="Dear {{ name }},\n\n85% of Britons are concerned about inequality, and 83% agree "
        "it must be reduced. This month we are asking MPs to back an **essentials guarantee** "
        "and to scrap the two-child limit.\n\nThank you for standing with us.",
    )


def print_logins() -> None:
    click.echo(f"\nDemo accounts (password for each: {DEMO_PASSWORD}):")
    for email, name, _role, _scope in DEMO_USERS:
        click.echo(f"  {email:<36} {name}")
    if current_app.config["MAIL_BACKEND"] == "local":
        click.echo("Mail is kept in the local outbox: sign in and open 'Local outbox' to read it.")
