"""Who sees whom on the supporters' pages.

An alliance and its chapters share one tree of people (``Person.tree_id``, the alliance at the top).
* The coordinators of the alliance (and platform admins) see the whole tree.
* A chapter's coordinators see the chapter's people: those who took one of its actions (or one of the
  chapters' under it), or whose consent to it is on record (given, or withdrawn since).
* An organisation's admins, where it is an active member of the coalition (or of an alliance above
  it), see only the people who agree today to hear from the organisation — and of each, only what
  concerns their organisation. They tag nothing and write no notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select, union

from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipStatus,
    SupporterImport,
    SupporterImportPerson,
)
from organiser.core.models import Role
from organiser.db import db
from organiser.people.activity import activity_sources
from organiser.people.models import ConsentState, ConsentSubject, Person


@dataclass(frozen=True)
class Viewer:
    coalition: Coalition
    root: Coalition  # the alliance at the top of the tree
    coalition_ids: tuple[int, ...]  # the coalition and every chapter under it
    lineage_ids: tuple[int, ...]  # the coalition and the alliances above it
    # An organisation's admins: only the people who agree to hear from one of these organisations.
    organisation_ids: tuple[int, ...] = ()

    @property
    def is_coordinator(self) -> bool:
        return not self.organisation_ids

    @property
    def whole_tree(self) -> bool:
        return self.coalition.id == self.root.id


def descendants(coalition: Coalition) -> list[Coalition]:
    found, todo = [], list(coalition.chapters)
    while todo:
        node = todo.pop()
        if node not in found:
            found.append(node)
            todo.extend(node.chapters)
    return found


def coordinator_view(coalition: Coalition) -> Viewer:
    """What the coalition's coordinators see (and what its saved segments are drawn from)."""
    lineage = coalition.lineage()
    ids = (coalition.id, *(c.id for c in descendants(coalition)))
    return Viewer(coalition, lineage[-1], ids, tuple(c.id for c in lineage))


def member_organisations(coalition: Coalition, user: Any) -> tuple[int, ...]:
    """The organisations ``user`` administers that are active members of the coalition or of an
    alliance above it."""
    held = user.scope_ids(Role.ORGANISATION_ADMIN) if user.is_authenticated else set()
    if not held:
        return ()
    ids = db.session.scalars(
        select(Membership.organisation_id)
        .where(
            Membership.coalition_id.in_([c.id for c in coalition.lineage()]),
            Membership.organisation_id.in_(held),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Membership.organisation_id)
    )
    return tuple(dict.fromkeys(ids))


def viewer_for(coalition: Coalition, user: Any) -> Viewer | None:
    """How ``user`` sees the coalition's supporters, or None if they may not."""
    if coalition.can_manage(user):
        return coordinator_view(coalition)
    organisations = member_organisations(coalition, user)
    if not organisations:
        return None
    view = coordinator_view(coalition)
    return Viewer(view.coalition, view.root, view.coalition_ids, view.lineage_ids, organisations)


def agrees_to_hear_from(subject_type: ConsentSubject, subject_ids: Any) -> ColumnElement[bool]:
    """A condition on ``people``: the person agrees today to e-mail from one of these."""
    return exists().where(
        ConsentState.person_id == Person.id,
        ConsentState.subject_type == subject_type,
        ConsentState.subject_id.in_(list(subject_ids)),
        ConsentState.channel == "email",
        ConsentState.granted.is_(True),
    )


def _linked_to(coalition_ids: tuple[int, ...]) -> Any:
    """The ids of people who acted in these coalitions, whose consent to one of them is on record, or
    whom one of them brought in by an import (created by it: an import that only filled in someone's
    empty details does not make them the importer's)."""
    parts = [source.people(coalition_ids, None) for source in activity_sources()]
    parts.append(
        select(SupporterImportPerson.person_id)
        .join(SupporterImport, SupporterImport.id == SupporterImportPerson.import_id)
        .where(SupporterImport.coalition_id.in_(coalition_ids), SupporterImportPerson.outcome == "created")
    )
    parts.append(
        select(ConsentState.person_id).where(
            ConsentState.subject_type == ConsentSubject.COALITION,
            ConsentState.subject_id.in_(coalition_ids),
        )
    )
    return select(union(*parts).subquery().c[0])


def in_view(viewer: Viewer) -> list[ColumnElement[bool]]:
    """Conditions on ``people`` that keep exactly the people ``viewer`` may see."""
    conditions: list[ColumnElement[bool]] = [Person.tree_id == viewer.root.id]
    if not viewer.whole_tree:
        conditions.append(Person.id.in_(_linked_to(viewer.coalition_ids)))
    if viewer.organisation_ids:
        conditions.append(agrees_to_hear_from(ConsentSubject.ORGANISATION, viewer.organisation_ids))
    return conditions


def person_in_view(viewer: Viewer, person_id: int) -> Person | None:
    return db.session.scalar(select(Person).where(Person.id == person_id, *in_view(viewer)))
