"""API keys: each scoped to one coalition (and its chapters) or to one organisation.

Only a SHA-256 hash of a key is stored (a key is 32 random bytes, so a fast hash is enough, as for
the e-mailed account tokens); its first characters are kept to recognise it in the list of keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.coalitions.models import Coalition, Organisation
from organiser.core.models import User
from organiser.db import Base, utcnow


class ApiKey(Base):
    """A named key of a coalition or an organisation, sent as the ``OSDI-API-Token`` header."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("(coalition_id IS NULL) <> (organisation_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16))  # the key's first characters, shown in the list
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    coalition_id: Mapped[int | None] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    coalition: Mapped[Coalition | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def owner(self) -> Coalition | Organisation:
        owner = self.coalition or self.organisation
        assert owner is not None
        return owner

    @property
    def active(self) -> bool:
        return self.revoked_at is None
