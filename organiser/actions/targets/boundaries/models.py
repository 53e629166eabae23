"""A coalition's map: the outlines of its areas, uploaded as GeoJSON, kept ready to draw."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.db import Base, utcnow


class BoundaryMap(Base):
    """The coalition's one map (a new upload replaces it): its areas are drawn in a ``width`` ×
    ``height`` box, projected and simplified when it was uploaded."""

    __tablename__ = "boundary_maps"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), unique=True, index=True
    )
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    filename: Mapped[str] = mapped_column(String(200), default="")
    code_property: Mapped[str] = mapped_column(String(100))
    name_property: Mapped[str] = mapped_column(String(100), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    areas: Mapped[list[AreaBoundary]] = relationship(
        back_populates="map", order_by="AreaBoundary.name", cascade="all, delete-orphan", passive_deletes=True
    )


class AreaBoundary(Base):
    """One area's outline: an SVG path in its map's box (every polygon of the area, holes included)."""

    __tablename__ = "area_boundaries"
    __table_args__ = (UniqueConstraint("map_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("boundary_maps.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # as the lookup table's area codes: trimmed, upper case
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    points: Mapped[int] = mapped_column(Integer, default=0)  # kept after simplifying

    map: Mapped[BoundaryMap] = relationship(back_populates="areas")
