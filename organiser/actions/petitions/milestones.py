"""Milestones: when a petition's count reaches its goal, a milestone the coordinators set or one of
its thresholds (``thresholds``: a count with what happens next), its coordinators and the admins of
its accepted co-sponsors are told, once; for a threshold, the e-mail says what happens next.

``check_milestones(petition)`` is idempotent and safe to call from concurrent transactions: each
threshold is claimed with ``INSERT … ON CONFLICT DO NOTHING`` on the unique (petition, threshold)
key, so only the transaction whose insert lands sends the e-mail. It is called after the count is
raised (``services.confirm`` now; a batched counting job calls it after each batch update).
A count that later falls (signatures invalidated) and rises again tells nobody a second time.
"""

from __future__ import annotations

import logging
import re

from flask import render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from organiser.actions.petitions.models import Petition, PetitionMilestone
from organiser.core.models import User
from organiser.db import db, utcnow
from organiser.messaging.services import queue_email
from organiser.web.urls import external_url

log = logging.getLogger(__name__)
MAX_MILESTONES = 20
MAX_THRESHOLD = 100_000_000


def parse_milestones(text: str) -> list[int]:
    """``"100, 500, 1000"`` → ``[100, 500, 1000]``; raises ValueError with a message for the person."""
    parts = [p for p in re.split(r"[,;\s]+", (text or "").strip()) if p]
    if not all(p.isdigit() for p in parts):
        raise ValueError(_("Enter whole numbers separated by commas, like 100, 500, 1000"))
    numbers = sorted({int(p) for p in parts})
    if any(n < 1 or n > MAX_THRESHOLD for n in numbers):
        raise ValueError(_("Each milestone must be between 1 and 100,000,000"))
    if len(numbers) > MAX_MILESTONES:
        raise ValueError(_("Set at most %(n)s milestones", n=MAX_MILESTONES))
    return numbers


def format_milestones(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def thresholds(petition: Petition) -> list[int]:
    """The petition's milestones, its thresholds and its goal, ascending."""
    from organiser.actions.petitions.thresholds.services import counts_of

    return sorted({*(petition.milestones or []), petition.goal, *counts_of(petition.id)})


def set_milestones(petition: Petition, numbers: list[int], *, by: User) -> None:
    """Replace the milestones; those the count has passed already are recorded without telling anyone."""
    petition.milestones = sorted(set(numbers))
    db.session.flush()
    for threshold in thresholds(petition):
        if threshold <= petition.signature_count:
            claim(petition.id, threshold, notified=False)
    log.info("milestones of petition %s set to %s by %s", petition.id, petition.milestones, by.id)


def reached(petition: Petition) -> list[PetitionMilestone]:
    query = (
        select(PetitionMilestone)
        .where(PetitionMilestone.petition_id == petition.id)
        .order_by(PetitionMilestone.threshold)
    )
    return list(db.session.scalars(query))


def claim(petition_id: int, threshold: int, *, notified: bool = True) -> bool:
    """Record the threshold as reached; False when another call (maybe concurrent) did already."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(PetitionMilestone.__table__)
        .values(petition_id=petition_id, threshold=threshold, reached_at=utcnow(), notified=notified)
        .on_conflict_do_nothing(index_elements=["petition_id", "threshold"])
        .returning(PetitionMilestone.__table__.c.id)
    )
    # No row comes back when the threshold was taken (psycopg reports no rowcount with RETURNING).
    return db.session.execute(statement).first() is not None


def check_milestones(petition: Petition) -> list[int]:
    """Record every threshold the count has reached and nobody was told of yet, tell the coordinators
    and the accepted sponsors' admins, and return the newly reached thresholds (ascending)."""
    count = db.session.scalar(select(Petition.signature_count).where(Petition.id == petition.id)) or 0
    passed = [t for t in thresholds(petition) if t <= count]
    if not passed:
        return []
    known = {m.threshold for m in reached(petition)}
    due = [t for t in passed if t not in known]
    new = [t for t in due if claim(petition.id, t)]
    if new:
        _tell(petition, new, count)
        log.info("petition %s reached %s (count %s)", petition.id, new, count)
    return new


_claim = claim  # the name it had before thresholds used it


def recipients(petition: Petition) -> list[User]:
    """The petition's coalition's coordinators and the admins of its accepted co-sponsors, once each."""
    from organiser.actions.petitions.sponsors import accepted_sponsors
    from organiser.coalitions.services import admins_of, coordinators_of

    people = list(coordinators_of(petition.coalition))
    for sponsor in accepted_sponsors(petition):
        people.extend(admins_of(sponsor.organisation))
    unique: dict[int, User] = {}
    for user in people:
        unique.setdefault(user.id, user)
    return list(unique.values())


def _tell(petition: Petition, new: list[int], count: int) -> None:
    from organiser.actions.petitions.thresholds.services import thresholds_of, what_happens
    from organiser.core.services import in_locale

    top = max(new)
    link = external_url("petitions.petition", slug=petition.slug)
    steps = [t for t in thresholds_of(petition) if t.signatures in new]
    for user in recipients(petition):
        with in_locale(user.locale):
            subject = (
                _("“%(title)s” has reached its goal of %(goal)s signatures", title=petition.title, goal=top)
                if top == petition.goal
                else ngettext(
                    "“%(title)s” has reached %(num)s signature",
                    "“%(title)s” has reached %(num)s signatures",
                    top,
                    title=petition.title,
                )
            )
            queue_email(
                to=user.email,
                subject=subject,
                text=render_template(
                    "actions/petitions/email/milestone.txt",
                    petition=petition,
                    user=user,
                    new=new,
                    count=count,
                    goal_reached=petition.goal in new,
                    next_steps=[(t.signatures, what_happens(t)) for t in steps],
                    link=link,
                ),
                key=f"milestone:{petition.id}:{top}:{user.id}",
            )
