"""What every sponsorship has, whatever the action: the organisation invited, its answer, and the
tracking code its link carries. Each kind of action keeps its own table (``petition_sponsors``,
``letter_sponsors``) with these columns and a key to its action."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from organiser.coalitions.models import Organisation
from organiser.db import utcnow


class SponsorStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class SponsorshipColumns:
    """A member organisation invited to co-sponsor an action; once it accepts, its tracking code
    (``?source=<code>`` on the action's public page) attributes what people do there to it."""

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[SponsorStatus] = mapped_column(String(20), default=SponsorStatus.INVITED)
    code: Mapped[str] = mapped_column(String(80))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @declared_attr
    def organisation(cls) -> Mapped[Organisation]:
        return relationship(Organisation)
