"""A coalition's area lookup table: what a writer types (a full postcode, a postcode district or
sector, a ward code, a town) → the area (a region or constituency) whose decision-makers they write to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from organiser.actions.targets.lookup.postcodes import MAX_KEY
from organiser.db import Base, utcnow


class AreaKey(Base):
    """One row of a coalition's lookup table. ``key`` is stored normalised (``postcodes.normalise``);
    a decision-maker is in the area when their ``area_code`` is ``area_code`` (or, having none, when
    their region is ``area_name``)."""

    __tablename__ = "area_keys"
    __table_args__ = (UniqueConstraint("coalition_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    area_code: Mapped[str] = mapped_column(String(40), index=True)
    area_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
