"""The assembly itself: who may create one in a coalition, creating and changing it (its places
never fewer than those taken), publishing and cancelling it, finding it; and assemblies as a scope
for role grants (``SCOPE``: an organiser of one assembly)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from organiser.assemblies.models import Assembly, AssemblyStatus, Registration
from organiser.assemblies.services.mail import tell_cancelled
from organiser.assemblies.services.places import lock_assembly, places_taken
from organiser.assemblies.services.waitlist import promote_from_waitlist
from organiser.coalitions.models import Organisation
from organiser.core.scopes import ScopeKind
from organiser.db import db, utcnow

log = logging.getLogger(__name__)


class AssemblyStateError(Exception):
    pass


class CapacityTooSmall(Exception):
    def __init__(self, taken: int) -> None:
        super().__init__(f"{taken} places are taken")
        self.taken = taken


def create_assembly(coalition_id: int, *, by: Any, hosts: list[int], **fields: Any) -> Assembly:
    assembly = Assembly(coalition_id=coalition_id, created_by_id=by.id, **fields)
    assembly.hosts = _organisations(hosts)
    db.session.add(assembly)
    db.session.flush()
    from organiser.assemblies.dayof.reminders import replan

    replan(assembly)  # its reminders, in the RQ scheduler
    log.info("assembly %s created in coalition %s by %s", assembly.id, coalition_id, by.id)
    return assembly


def update_assembly(assembly: Assembly, *, by: Any, hosts: list[int], **fields: Any) -> list[Registration]:
    """Change an assembly's details. More places go to the waitlist at once, in order (and those
    promoted are mailed); fewer places than people holding one is refused, since no one's place is
    taken away. A change of time or place is mailed to everyone registered (``dayof.reminders``).
    Returns the people promoted."""
    lock_assembly(assembly.id)
    taken = places_taken(assembly.id)
    if fields.get("capacity", assembly.capacity) < taken:
        raise CapacityTooSmall(taken)
    from organiser.assemblies.dayof import reminders

    before = reminders.snapshot(assembly)
    for key, value in fields.items():
        setattr(assembly, key, value)
    assembly.hosts = _organisations(hosts)
    db.session.flush()
    reminders.assembly_changed(assembly, before)  # a new time or place: reminders re-planned, people told
    log.info("assembly %s changed by %s", assembly.id, by.id)
    return promote_from_waitlist(assembly)


def _organisations(ids: list[int]) -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))))


def publish(assembly: Assembly, *, by: Any) -> None:
    if assembly.status != AssemblyStatus.DRAFT:
        raise AssemblyStateError("only a draft can be published")
    assembly.status, assembly.published_at = AssemblyStatus.PUBLISHED, utcnow()
    db.session.flush()
    log.info("assembly %s published by %s", assembly.id, by.id)


def cancel_assembly(assembly: Assembly, *, by: Any) -> int:
    """Cancel a published assembly and tell everyone with a place or on the waitlist."""
    if assembly.status != AssemblyStatus.PUBLISHED:
        raise AssemblyStateError("only a published assembly can be cancelled")
    lock_assembly(assembly.id)
    assembly.status, assembly.cancelled_at = AssemblyStatus.CANCELLED, utcnow()
    told = tell_cancelled(assembly)
    db.session.flush()
    log.info("assembly %s cancelled by %s (%s registrants told)", assembly.id, by.id, told)
    return told


def assemblies_of(coalition_id: int) -> list[Assembly]:
    query = select(Assembly).where(Assembly.coalition_id == coalition_id).order_by(Assembly.starts_at.desc())
    return list(db.session.scalars(query))


def by_slug(slug: str) -> Assembly | None:
    return db.session.scalar(
        select(Assembly).where(Assembly.slug == slug).options(joinedload(Assembly.coalition))
    )


def can_create_in(coalition: Any, user: Any) -> bool:
    """Coordinators of the coalition (or above it), and organisers of one of its assemblies."""
    if not user.is_authenticated:
        return False
    if coalition.can_manage(user):
        return True
    from organiser.core.models import Role

    held = user.scope_ids(Role.ASSEMBLY_ORGANISER)
    return bool(held) and (
        db.session.scalar(
            select(Assembly.id).where(Assembly.coalition_id == coalition.id, Assembly.id.in_(held)).limit(1)
        )
        is not None
    )


def host_choices(coalition: Any) -> list[tuple[int, str]]:
    """The coalition's active member organisations, which may host its assemblies."""
    return [(m.organisation.id, m.organisation.name) for m in coalition.active_members()]


# ---- role grants for one assembly -----------------------------------------------------------------


def _assembly_choices() -> list[tuple[int, str]]:
    return [(a.id, a.title) for a in db.session.scalars(select(Assembly).order_by(Assembly.title))]


SCOPE = ScopeKind("assembly", lambda i: db.session.get(Assembly, i), _assembly_choices)
