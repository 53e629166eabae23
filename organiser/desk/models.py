"""The counts the desk keeps of days gone by (``rollup``): a day's figures are final an hour after
it ends, so they are counted once, by the workers' sweep or the first desk that asks, and read from
here after that."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from organiser.db import Base


class DeskDay(Base):
    """One count of one day in a coalition tree, days counted on the calendar of ``zone``:
    ``series`` (``rollup.SERIES``) of ``subject`` (an action, a coalition or the tree), and for
    sources the tracking code (``label``) and co-sponsor (``sponsor_id``, 0 for none)."""

    __tablename__ = "desk_days"

    tree_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), primary_key=True)
    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    series: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(80), primary_key=True, default="")
    sponsor_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    n: Mapped[int] = mapped_column(Integer)


class DeskDayCounted(Base):
    """A day of a tree (on the calendar of ``zone``) whose counts are in ``desk_days`` (a day with
    nothing to count has none there)."""

    __tablename__ = "desk_days_counted"

    tree_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), primary_key=True)
    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
