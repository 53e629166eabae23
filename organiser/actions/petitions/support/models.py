"""A petition's tally by area: how many of its counted signatures are in each area."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from organiser.db import Base


class AreaKind(enum.StrEnum):
    AREA = "area"  # an area of the coalition's lookup table (a constituency, a province): its code
    DISTRICT = "district"  # a UK postcode district (LS6), for a coalition without a lookup table
    PLACE = "place"  # a region or town as signers typed it (case and spacing aside)
    NONE = "none"  # no region given, or one the lookup table does not know


class PetitionArea(Base):
    """One line of a petition's tally: its counted signatures placed in this area. Kept by the count
    job under the petition's lock, with ``signature_count`` (``placing``); a line whose count fell to
    0 stays, so an area taken out by an invalidation keeps its name when it is reverted."""

    __tablename__ = "petition_areas"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(40), primary_key=True)  # Signature.area
    kind: Mapped[AreaKind] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    signatures: Mapped[int] = mapped_column(Integer, default=0)
