"""The follow-up of a delivered letter: the writer is asked once whether the decision-maker replied
(and reminded once at most, after answering "not yet"); what they answered."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.actions.letters.models import Letter
from organiser.db import PERSONAL, Base, as_utc, utcnow


class ReplyAnswer(enum.StrEnum):
    YES = "yes"  # the decision-maker replied
    NOT_YET = "not_yet"  # no reply yet: one reminder may ask again
    NO = "no"  # no reply


class LetterFollowUp(Base):
    """One a letter, made when the writer is asked (the unique letter makes it once, even with two
    sweeps at the same moment). Erasing the writer blanks their answer and drops the person."""

    __tablename__ = "letter_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), unique=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # asked
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    answer: Mapped[str | None] = mapped_column(String(20), index=True, info=PERSONAL)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), info=PERSONAL)
    replied_on: Mapped[date | None] = mapped_column(Date, info=PERSONAL)  # as the writer remembers it
    summary: Mapped[str] = mapped_column(Text, default="", info=PERSONAL)
    may_share: Mapped[bool] = mapped_column(default=False, info=PERSONAL)  # the summary, by the coalition

    letter: Mapped[Letter] = relationship()

    @property
    def may_answer(self) -> bool:
        """Each question takes one answer: the first, and the reminder's after "not yet"."""
        if self.answer is None:
            return True
        return (
            self.answer == ReplyAnswer.NOT_YET
            and self.reminded_at is not None
            and (self.answered_at is None or as_utc(self.answered_at) < as_utc(self.reminded_at))  # type: ignore[operator]
        )
