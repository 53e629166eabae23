"""What a key may see: the same rules as the pages (organiser.supporters.scope), as SQL conditions.

* A coalition's key sees what the coalition's coordinators see: the coalition, its chapters and
  everything in them, and the people of its view.
* An organisation's key sees what the organisation's admins see: the organisation itself; the
  coalitions it is an active member of (and their chapters) and their published actions; and of
  the people, only those who agree today to hear from the organisation, with only their actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, false, or_, select

from organiser.api.models import ApiKey
from organiser.coalitions.models import Coalition, Membership, MembershipStatus
from organiser.db import db
from organiser.supporters.scope import Viewer, coordinator_view, in_view


@dataclass(frozen=True)
class ApiScope:
    key: ApiKey
    viewers: tuple[Viewer, ...]  # one per coalition the key sees people through
    coalition_ids: tuple[int, ...]  # every coalition the key sees (and the chapters under them)
    organisation_id: int | None = None  # an organisation's key

    @property
    def is_coordinator(self) -> bool:
        return self.organisation_id is None

    def people(self) -> Any:
        """A condition on ``people``: the people this key sees."""
        if not self.viewers:
            return false()
        return or_(*(and_(*in_view(viewer)) for viewer in self.viewers))

    def person_ids(self) -> Any:
        """The ids of the people this key sees, for conditions on rows that name a person."""
        from organiser.people.models import Person

        return select(Person.id).where(self.people())

    def in_coalitions(self, column: Any) -> Any:
        return column.in_(self.coalition_ids) if self.coalition_ids else false()


def scope_of(key: ApiKey) -> ApiScope:
    if key.coalition is not None:
        view = coordinator_view(key.coalition)
        return ApiScope(key, (view,), view.coalition_ids)
    assert key.organisation_id is not None
    coalitions = db.session.scalars(
        select(Coalition)
        .join(Membership, Membership.coalition_id == Coalition.id)
        .where(
            Membership.organisation_id == key.organisation_id, Membership.status == MembershipStatus.ACTIVE
        )
        .order_by(Coalition.id)
    )
    viewers = []
    for coalition in coalitions:
        view = coordinator_view(coalition)
        viewers.append(
            Viewer(view.coalition, view.root, view.coalition_ids, view.lineage_ids, (key.organisation_id,))
        )
    ids = tuple(dict.fromkeys(i for viewer in viewers for i in viewer.coalition_ids))
    return ApiScope(key, tuple(viewers), ids, key.organisation_id)
