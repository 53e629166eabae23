"""The demo's petitions placed in their areas (the lookup tables are seeded after the petitions)."""

from __future__ import annotations

from sqlalchemy import select

from organiser.actions.petitions.models import Petition
from organiser.actions.petitions.support.placing import rebuild
from organiser.db import db


def place_demo_signatures() -> None:
    """Every petition's counted signatures placed in their areas, and its tally made."""
    for petition in db.session.scalars(select(Petition).order_by(Petition.id)).all():
        rebuild(petition)
