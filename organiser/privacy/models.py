"""What privacy work leaves behind: a log of personal-data exports, erasures and retention runs.

None of these rows holds personal data: an erasure is recorded by counts, never by whom it erased.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.db import Base, utcnow


class DataExport(Base):
    """Someone downloaded personal data: who, what, how many rows, when."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int | None] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User")


class Erasure(Base):
    """One person erased: by themselves (through their own page) or by a coordinator, with a reason."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_by: Mapped[str] = mapped_column(String(20))  # "person", "coordinator" or "retention"
    reason: Mapped[str] = mapped_column(Text, default="")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what was removed, by kind
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    by_user = relationship("User")


class RetentionRun(Base):
    """One run of the retention job for one coalition, and what it anonymised."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    cutoff: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
