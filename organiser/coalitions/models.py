"""Coalitions (with their chapters), organisations and the memberships that join them, and the
log of the supporters imported into each from CSV."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.core.models import Role, User
from organiser.db import Base, utcnow


class Coalition(Base):
    """An alliance, or a national chapter of one (``parent`` is the alliance above it)."""

    __tablename__ = "coalitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2; none for a global alliance
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    principles: Mapped[list[str]] = mapped_column(JSON, default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("coalitions.id", ondelete="RESTRICT"))
    # Privacy: months to keep the personal data of people who acted without giving ongoing consent,
    # counted from when the action closed (None: keep); a sensitive coalition shows no signer names.
    retention_months: Mapped[int | None] = mapped_column(Integer)
    sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    parent: Mapped[Coalition | None] = relationship(remote_side=[id], back_populates="chapters")
    chapters: Mapped[list[Coalition]] = relationship(back_populates="parent", order_by="Coalition.name")
    memberships: Mapped[list[Membership]] = relationship(back_populates="coalition")

    def lineage(self) -> list[Coalition]:
        """This coalition and the alliances above it, nearest first."""
        chain, node = [], self
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain

    def can_manage(self, user: User) -> bool:
        """Platform admins, and coordinators of this coalition or of an alliance above it."""
        if not user.is_authenticated:
            return False
        if user.is_platform_admin:
            return True
        held = user.scope_ids(Role.COALITION_COORDINATOR)
        return any(c.id in held for c in self.lineage())

    def active_members(self) -> list[Membership]:
        return sorted(
            (m for m in self.memberships if m.status == MembershipStatus.ACTIVE),
            key=lambda m: (m.role != MembershipRole.CHAIR, m.organisation.name.lower()),
        )


class OrganisationType(enum.StrEnum):
    NGO = "ngo"
    TRADE_UNION = "trade_union"
    GRASSROOTS = "grassroots"
    SOCIAL_MOVEMENT = "social_movement"
    FAITH_GROUP = "faith_group"
    ACADEMIC = "academic"
    BUSINESS = "business"
    FUNDER = "funder"
    INDIVIDUAL_EXPERT = "individual_expert"
    OTHER = "other"


class Organisation(Base):
    """A member organisation; it may belong to several coalitions."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[OrganisationType] = mapped_column(String(30), default=OrganisationType.OTHER)
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # The logo, re-encoded by us (never the uploaded bytes), kept in the database so that every
    # web process on every machine can serve it; deferred so lists of organisations do not load it.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    has_logo: Mapped[bool] = mapped_column(default=False)
    logo_version: Mapped[int] = mapped_column(
        Integer, default=0
    )  # in the URL, so caches never serve an old one
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")

    def can_manage(self, user: User) -> bool:
        """Platform admins and this organisation's admins."""
        if not user.is_authenticated:
            return False
        return user.is_platform_admin or user.has_role(Role.ORGANISATION_ADMIN, self.id)


class MembershipStatus(enum.StrEnum):
    APPLIED = "applied"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"
    DECLINED = "declined"


class MembershipRole(enum.StrEnum):
    MEMBER = "member"
    STEERING = "steering"
    CHAIR = "chair"


class OrganisationConsent(enum.StrEnum):
    """An application or import that names an organisation already on the platform only proposes
    it: the organisation's own administrators (or a platform admin) confirm it is theirs."""

    PENDING = "pending"
    GIVEN = "given"
    REFUSED = "refused"


class Membership(Base):
    """An organisation's place in a coalition, from application to leaving."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "coalition_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(String(20), default=MembershipStatus.APPLIED)
    role: Mapped[MembershipRole] = mapped_column(String(20), default=MembershipRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # The application: who asked, and the principles they endorsed, word for word, and when.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    endorsed_principles: Mapped[list[str]] = mapped_column(JSON, default=list)
    endorsed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # None: the application created the organisation, or it is this coalition's alone.
    organisation_consent: Mapped[OrganisationConsent | None] = mapped_column(String(20))

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    coalition: Mapped[Coalition] = relationship(back_populates="memberships")
    events: Mapped[list[MembershipEvent]] = relationship(
        back_populates="membership", order_by="MembershipEvent.id", cascade="all, delete-orphan"
    )


class MembershipEvent(Base):
    """The audit trail of a membership: who changed what, and when."""

    __tablename__ = "membership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(String(20))
    role: Mapped[MembershipRole] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    membership: Mapped[Membership] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()


class ImportStatus(enum.StrEnum):
    DRAFT = "draft"  # uploaded; its columns are being mapped, nothing is written
    QUEUED = "queued"  # the consent is stated: waiting for a worker
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # stopped part-way; what was written stays (a new run of the file adds the rest)


class SupporterImport(Base):
    """One CSV of supporters imported into a coalition: who, when, the file, its columns, the consent
    the coordinator stated for everyone in it, and what the import did (the counts). The file is
    kept (as uploaded) only until the import has run, or a day when it never does."""

    __tablename__ = "supporter_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    columns: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # the file's column → a field
    status: Mapped[ImportStatus] = mapped_column(String(20), default=ImportStatus.DRAFT)
    # The consent stated for everyone imported (None until stated; False: no consent to be mailed).
    consent_given: Mapped[bool | None] = mapped_column()
    consent_wording: Mapped[str] = mapped_column(Text, default="")
    consent_source: Mapped[str] = mapped_column(String(200), default="")
    consent_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    progressed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What it did. ``addresses``: the distinct addresses of the error-free rows; ``handled`` of them so
    # far (a stopped import goes on from there). Rows = errors + repeated + the addresses' outcomes.
    rows: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    repeated: Mapped[int] = mapped_column(Integer, default=0)  # rows repeating an earlier row's address
    addresses: Mapped[int] = mapped_column(Integer, default=0)
    handled: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)  # someone already there, with something added
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)  # on the suppression list: left out
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)  # withdrew consent to the coalition: left out

    coalition: Mapped[Coalition] = relationship()
    by: Mapped[User | None] = relationship()


class SupporterImportPerson(Base):
    """Who an import created or added something to (and so which coalition they came in through)."""

    __tablename__ = "supporter_import_people"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("supporter_imports.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    outcome: Mapped[str] = mapped_column(String(20))  # "created" or "merged"
