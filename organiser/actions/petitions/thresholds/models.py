"""Thresholds: signature counts a coalition sets on a petition, each with what happens when it is
reached ("the decision-maker is asked for a response", "the coalition requests a debate or a
meeting", or words of its own). They are milestones too: reaching one tells the coordinators once
(``milestones``). And the decision-makers' responses, once recorded, e-mailed to the signers who
agreed to hear from the coalition: ``ResponseMailing`` keeps each to one mailing."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from organiser.db import Base, utcnow


class NextStep(enum.StrEnum):
    RESPONSE = "response"  # the decision-maker is asked for a response
    DEBATE = "debate"  # the coalition requests a debate or a meeting
    OTHER = "other"  # in the coalition's own words (``details``)


class PetitionThreshold(Base):
    """At ``signatures`` confirmed signatures, ``next_step`` happens (``details`` says more)."""

    __tablename__ = "petition_thresholds"
    __table_args__ = (UniqueConstraint("petition_id", "signatures"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    signatures: Mapped[int] = mapped_column(Integer)
    next_step: Mapped[NextStep] = mapped_column(String(20), default=NextStep.RESPONSE)
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ResponseMailing(Base):
    """The mailing that took a recorded response to the petition's signers (one per response: a
    correction of the response's words is shown on the page, not e-mailed again)."""

    __tablename__ = "response_mailings"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("target_responses.id", ondelete="CASCADE"), primary_key=True
    )
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
