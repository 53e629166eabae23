"""Memberships: each organisation's place in a coalition, its audit trail of events, the
coordinators' desk (every membership by status, counts by type and country, the latest changes),
suspending, reinstating or leaving, and the members' CSV export."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Organisation,
)
from organiser.core.models import User
from organiser.db import db
from organiser.web.downloads import Export

log = logging.getLogger(__name__)

OPEN_STATUSES = (MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)

_TRANSITIONS = {
    MembershipStatus.SUSPENDED: {MembershipStatus.ACTIVE},
    MembershipStatus.ACTIVE: {MembershipStatus.SUSPENDED},
    MembershipStatus.LEFT: {MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED},
}


def record_event(membership: Membership, by: User | None, note: str = "") -> None:
    """Add the membership's present status and role to its audit trail."""
    membership.events.append(
        MembershipEvent(
            status=membership.status, role=membership.role, note=note, by_id=by.id if by else None
        )
    )


def membership_of(org: Organisation, coalition: Coalition) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == org.id, Membership.coalition_id == coalition.id
        )
    )


def membership_to_fill(org: Organisation, coalition: Coalition) -> tuple[Membership, bool]:
    """The organisation's membership of the coalition (a new one if it never had one), and whether
    it is open already (applied, active or suspended: nothing to record again)."""
    membership = membership_of(org, coalition)
    if membership is None:
        membership = Membership(organisation=org, coalition=coalition)
        db.session.add(membership)
        return membership, False
    return membership, membership.status in OPEN_STATUSES


def members_by_status(coalition: Coalition) -> list[Membership]:
    query = (
        select(Membership)
        .where(Membership.coalition_id == coalition.id)
        .options(joinedload(Membership.organisation), selectinload(Membership.events))
        .order_by(Membership.created_at)
    )
    return list(db.session.scalars(query))


def applications(coalition: Coalition) -> list[Membership]:
    return [m for m in members_by_status(coalition) if m.status == MembershipStatus.APPLIED]


def change_status(membership: Membership, status: MembershipStatus, *, by: User, note: str = "") -> None:
    """Suspend, reinstate or mark as left, keeping the audit trail; other moves are refused."""
    if membership.status not in _TRANSITIONS.get(status, set()):
        raise ValueError(f"cannot go from {membership.status} to {status}")
    membership.status = status
    record_event(membership, by, note.strip())
    db.session.flush()
    log.info("membership %s is now %s, by %s", membership.id, status, by.id)


def summary(memberships: list[Membership]) -> dict[str, dict[str, int]]:
    """Active members counted by type and by country, for the coordinators' desk."""
    by_type: dict[str, int] = {}
    by_country: dict[str, int] = {}
    for m in memberships:
        if m.status == MembershipStatus.ACTIVE:
            by_type[str(m.organisation.type)] = by_type.get(str(m.organisation.type), 0) + 1
            country = m.organisation.country or ""
            by_country[country] = by_country.get(country, 0) + 1
    return {"type": by_type, "country": by_country}


def recent_changes(memberships: list[Membership], limit: int = 10) -> list[MembershipEvent]:
    """The latest changes across the coalition's memberships, newest first."""
    events = [e for m in memberships for e in m.events]
    return sorted(events, key=lambda e: (e.created_at, e.id), reverse=True)[:limit]


EXPORT_HEADER = [
    "organisation",
    "type",
    "country",
    "region",
    "website",
    "status",
    "role",
    "joined_at",
    "contact_name",
    "contact_email",
]


def export_members(coalition: Coalition) -> Export:
    """Every membership with its contact, for the coordinators (formula-safe; the download is logged)."""
    from flask_babel import gettext as _

    rows = [
        (
            m.organisation.name,
            m.organisation.type,
            m.organisation.country,
            m.organisation.region,
            m.organisation.website,
            m.status,
            m.role,
            m.joined_at.isoformat() if m.joined_at else "",
            m.contact_name,
            m.contact_email,
        )
        for m in members_by_status(coalition)
    ]
    return Export(
        f"{coalition.slug}-members.csv", _("Members and their contacts"), EXPORT_HEADER, rows, coalition.id
    )
