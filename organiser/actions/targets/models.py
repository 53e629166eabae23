"""Decision-makers (targets) and what they answered. One response model serves petitions and letter
campaigns alike: a response belongs to exactly one of them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.coalitions.models import Coalition
from organiser.db import Base, utcnow


class Target(Base):
    """A decision-maker a coalition addresses: petitions are delivered to their e-mail address."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("coalition_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(String(200), default="")  # the parliament, council, ministry …
    region: Mapped[str] = mapped_column(String(200), default="")  # region or constituency
    email: Mapped[str] = mapped_column(String(320))  # never shown on public pages
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # The area code of the coalition's lookup table (actions.targets.lookup) this decision-maker
    # answers for: letters "by region" go to the decision-makers of the writer's area. Without one,
    # the region's name is matched to the area's name instead.
    area_code: Mapped[str] = mapped_column(String(40), default="", server_default="", index=True)

    coalition: Mapped[Coalition] = relationship()

    def can_manage(self, user: Any) -> bool:
        return self.coalition.can_manage(user)


class Response(Base):
    """What a target answered to a delivered petition or to a campaign's letters, recorded by a
    coordinator; shown on the petition's or the campaign's public page."""

    __tablename__ = "target_responses"
    __table_args__ = (
        UniqueConstraint("petition_id", "target_id"),
        UniqueConstraint("campaign_id", "target_id"),
        CheckConstraint("(petition_id IS NULL) <> (campaign_id IS NULL)", name="one_action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    responded_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    target: Mapped[Target] = relationship()
