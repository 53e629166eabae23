"""Demands an assembly proposes and votes on, and the action an adopted demand becomes. A demand's
petition or letter campaign is held by its table's id only: ``organiser.actions.interface`` is the
one way assemblies reach an action (to launch it, to show its count, delivery and response)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.assemblies.models import Assembly, Registration
from organiser.assemblies.tribunals.models import Charge
from organiser.db import Base, utcnow


class AdoptionRule(enum.StrEnum):
    SIMPLE_MAJORITY = "simple_majority"  # more for than against
    TWO_THIRDS = "two_thirds"  # at least two thirds of those for or against are for
    CONSENSUS = "consensus"  # recorded by the chair


class Voting(Base):
    """An assembly's vote on its demands: the rule, and the window the organisers open and close."""

    __tablename__ = "demand_votings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), unique=True)
    rule: Mapped[AdoptionRule] = mapped_column(String(20), default=AdoptionRule.SIMPLE_MAJORITY)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    kiosk_open: Mapped[bool] = mapped_column(default=False)

    assembly: Mapped[Assembly] = relationship()


class DemandStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"


class Outcome(enum.StrEnum):
    """Where a launched demand's action stands, set by the coordinators with a dated note."""

    LAUNCHED = "launched"
    DELIVERED = "delivered"
    RESPONDED = "responded"
    PARTLY_WON = "partly_won"
    WON = "won"


class ActionKind(enum.StrEnum):
    PETITION = "petition"
    LETTERS = "letters"


class Demand(Base):
    """A proposed demand: its text, the decision-maker it is addressed to, the charge or theme it
    comes from; adopted or not by the vote; once adopted, the action it launched and its outcome."""

    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    addressed_to: Mapped[str] = mapped_column(String(200), default="")  # the decision-maker, as named
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("tribunal_charges.id", ondelete="SET NULL"))
    theme: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[DemandStatus] = mapped_column(String(20), default=DemandStatus.PROPOSED)
    consensus: Mapped[bool | None] = mapped_column()  # the chair's record, under the consensus rule
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    action_kind: Mapped[ActionKind | None] = mapped_column(String(20))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("letter_campaigns.id", ondelete="SET NULL"))
    launched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[Outcome | None] = mapped_column(String(20))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assembly: Mapped[Assembly] = relationship()
    charge: Mapped[Charge | None] = relationship()


class Choice(enum.StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Vote(Base):
    """One registration's vote on one demand: once, enforced by the database (a second vote through
    the same link changes nothing). Kept, anonymised with its registration, when the voter is erased."""

    __tablename__ = "demand_votes"
    __table_args__ = (UniqueConstraint("demand_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("assembly_registrations.id", ondelete="CASCADE"))
    choice: Mapped[Choice] = mapped_column(String(10))
    at_kiosk: Mapped[bool] = mapped_column(default=False)
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    demand: Mapped[Demand] = relationship()
    registration: Mapped[Registration] = relationship()
