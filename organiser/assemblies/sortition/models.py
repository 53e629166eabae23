"""An assembly selected by lot: its pool (the categories asked, the quotas, the household rule), the
volunteers in it, each selection run (a distribution over panels, computed as an RQ job) and each draw
from a run's distribution with a seed committed by its SHA-256 before it is revealed.

Volunteers are known to the solver, and to the public pages, only by a pseudonym: the published
distribution holds no personal data. Their features are special-category data in places: retention
erases them after the assembly (``personal_data``), keeping the counts per feature on the pool.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.assemblies.models import Assembly
from organiser.db import PERSONAL, Base, utcnow


class SortitionPool(Base):
    """An assembly's pool: set up when its organisers choose "selected by lot" (a row here, none on
    the assembly). ``categories`` maps each category to its features, in the organisers' order;
    ``quotas`` holds ``[category, feature, min, max]`` rows; ``counts`` the volunteers per feature,
    kept after retention erased the features themselves."""

    __tablename__ = "sortition_pools"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), unique=True)
    panel_size: Mapped[int] = mapped_column(Integer, default=10)
    categories: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    quotas: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    one_per_household: Mapped[bool] = mapped_column(default=False, server_default=false())
    volunteering_open: Mapped[bool] = mapped_column(default=False, server_default=false())
    counts: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON, default=dict)
    features_erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assembly: Mapped[Assembly] = relationship()


class VolunteerStatus(enum.StrEnum):
    PENDING = "pending"  # volunteered through the form, link not yet followed
    CONFIRMED = "confirmed"  # in the pool


class Invitation(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Volunteer(Base):
    """A person in an assembly's pool: from the public form (double opt-in) or a CSV import."""

    __tablename__ = "sortition_volunteers"
    __table_args__ = (UniqueConstraint("pool_id", "pseudonym"), UniqueConstraint("pool_id", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("sortition_pools.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(20))  # what the solver and the public pages know
    name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    email: Mapped[str | None] = mapped_column(String(320), info=PERSONAL)  # None once erased
    features: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, info=PERSONAL)
    household: Mapped[str] = mapped_column(String(300), default="", info=PERSONAL)
    ip: Mapped[str] = mapped_column(String(64), default="", info=PERSONAL)
    imported: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[VolunteerStatus] = mapped_column(String(20), default=VolunteerStatus.PENDING)
    confirmation_sends: Mapped[int] = mapped_column(Integer, default=0)
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("sortition_draws.id", ondelete="SET NULL"))
    invitation: Mapped[Invitation | None] = mapped_column(String(20))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("assembly_registrations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    pool: Mapped[SortitionPool] = relationship()


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SelectionRun(Base):
    """One computation of a distribution over panels, by an RQ job: for the whole panel, or (with
    ``replacing_draw_id``) for the seats of those who declined after a draw. ``instance`` is what the
    solver was given (pseudonyms only), ``result`` the distribution, ``legacy`` the greedy method's
    probabilities for comparison."""

    __tablename__ = "sortition_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("sortition_pools.id", ondelete="CASCADE"), index=True)
    replacing_draw_id: Mapped[int | None] = mapped_column(Integer)  # a draw of this pool (no FK: a cycle)
    method: Mapped[str] = mapped_column(String(20))
    time_limit: Mapped[int] = mapped_column(Integer, default=60)
    status: Mapped[RunStatus] = mapped_column(String(20), default=RunStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    progress_text: Mapped[str] = mapped_column(String(300), default="")
    instance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    legacy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    pool: Mapped[SortitionPool] = relationship()


class Draw(Base):
    """A draw from a run's distribution: the seed's SHA-256 committed first, the seed revealed after
    (or a public lottery result entered as the seed), and the panel it gives (pseudonyms)."""

    __tablename__ = "sortition_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sortition_runs.id", ondelete="CASCADE"), index=True)
    seed_sha256: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(300))
    lottery: Mapped[bool] = mapped_column(default=False, server_default=false())
    selected: Mapped[list[str]] = mapped_column(JSON, default=list)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    committed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    run: Mapped[SelectionRun] = relationship(foreign_keys=[run_id])
