"""A filter of the supporters list kept under a name: a segment coordinators (or an organisation's
admins) can send a mailing to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from organiser.db import Base, utcnow


class SavedSegment(Base):
    """The list's filters (``organiser.supporters.criteria.Criteria.params``), saved by a coalition's
    coordinators, or by an organisation's admins from what they see of its list (``organisation_id``:
    only its mailings offer it). Who it holds is worked out again each time it is used (a mailing
    freezes its list when sending starts), from the coalition's people only. A name is used once by
    the coordinators, once by each organisation."""

    __tablename__ = "supporter_segments"
    __table_args__ = (
        Index(
            "uq_supporter_segments_coordinators_name",
            "coalition_id",
            "name",
            unique=True,
            postgresql_where=text("organisation_id IS NULL"),
            sqlite_where=text("organisation_id IS NULL"),
        ),
        Index(
            "uq_supporter_segments_organisation_name",
            "coalition_id",
            "organisation_id",
            "name",
            unique=True,
            postgresql_where=text("organisation_id IS NOT NULL"),
            sqlite_where=text("organisation_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
