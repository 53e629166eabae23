"""What the API's writes keep: the answers to requests sent with an ``Idempotency-Key`` (for a day),
and which signatures a key's owner vouched for (the ledger of confirmations made on their own site)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from organiser.db import Base, utcnow


class IdempotentAnswer(Base):
    """The answer given to one key's request with one ``Idempotency-Key``: replayed for the same
    request, a 409 for a different one, forgotten after ``KEPT`` (organiser.api.writes.idempotency)."""

    __tablename__ = "api_idempotent_answers"
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the method, the path and the body
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(500), default="")
    # Whose details the body holds: erasing them forgets it at once (organiser.api.writes.privacy).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class VouchedSignature(Base):
    """A signature recorded as confirmed because the key's owner vouched that the signer confirmed
    it on the owner's own site: which key, by its name then, and when."""

    __tablename__ = "api_vouched_signatures"

    signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), primary_key=True
    )
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"), index=True)
    key_name: Mapped[str] = mapped_column(String(120))
    vouched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
