"""Accounts, role grants and the one-time tokens that invite people and reset passwords."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.db import Base, db, utcnow

PLATFORM_SCOPE = 0  # scope_id of a platform-wide grant: it has no object, and 0 keeps the unique key simple


class Role(enum.StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    COALITION_COORDINATOR = "coalition_coordinator"
    ORGANISATION_ADMIN = "organisation_admin"
    ASSEMBLY_ORGANISER = "assembly_organiser"
    ASSEMBLY_PANEL = "assembly_panel"  # a tribunal's panel member: enters the verdict

    @property
    def scope(self) -> str:
        return ROLE_SCOPES[self]


ROLE_SCOPES = {
    Role.PLATFORM_ADMIN: "platform",
    Role.COALITION_COORDINATOR: "coalition",
    Role.ORGANISATION_ADMIN: "organisation",
    Role.ASSEMBLY_ORGANISER: "assembly",
    Role.ASSEMBLY_PANEL: "assembly",
}


class User(UserMixin, Base):
    """Someone with an account: coordinators, organisation reps, organisers. Activists are not users."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped when the password changes, so every other signed-in session ends.
    auth_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="RoleGrant.user_id"
    )

    def get_id(self) -> str:
        return f"{self.id}.{self.auth_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def has_role(self, role: Role, scope_id: int = PLATFORM_SCOPE) -> bool:
        return any(g.role == role and g.scope_id == scope_id for g in self.grants)

    @property
    def is_platform_admin(self) -> bool:
        return self.has_role(Role.PLATFORM_ADMIN)

    def scope_ids(self, role: Role) -> set[int]:
        """The objects (coalitions, organisations, assemblies) this user holds ``role`` in."""
        return {g.scope_id for g in self.grants if g.role == role}

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(cls.email == normalise_email(email)))


class RoleGrant(Base):
    """A role held by a user in a scope: the platform, a coalition, an organisation or an assembly."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "scope_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(String(40))
    scope_id: Mapped[int] = mapped_column(Integer, default=PLATFORM_SCOPE)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a password)


class AccountToken(Base):
    """A single-use, expiring link sent by e-mail. Only a hash of the token is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role | None] = mapped_column(String(40))
    scope_id: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


def normalise_email(email: str) -> str:
    """Accounts are unique by address, whatever its case or surrounding spaces."""
    return email.strip().lower()
