"""Saved filters as mailing segments. A coordinator saves the list's filters under a name; the
coalition's mailing form then offers it, and messaging's own rules apply on top, exactly as for every
other segment: only people whose consent covers the sender get it, never the suppressed
(``organiser.messaging.services.audiences``). The segment itself can only narrow: it is drawn from
the people the coalition's coordinators see (``scope.coordinator_view``), never beyond."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import false, select

from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.messaging.services.audiences import Segment
from organiser.people.models import Person
from organiser.supporters.criteria import Criteria, matching_ids
from organiser.supporters.models import SavedSegment
from organiser.supporters.scope import Viewer, coordinator_view
from organiser.web.inputs import MAX_ID

log = logging.getLogger(__name__)
KIND = "supporter_segment"


class SegmentNameTaken(ValueError):
    pass


def segments_of(coalition: Coalition) -> list[SavedSegment]:
    return list(
        db.session.scalars(
            select(SavedSegment).where(SavedSegment.coalition_id == coalition.id).order_by(SavedSegment.name)
        )
    )


def save_segment(viewer: Viewer, name: str, criteria: Criteria, *, by: Any) -> SavedSegment:
    """Keep the filters under ``name`` (SegmentNameTaken if the coalition has one of that name)."""
    taken = db.session.scalar(
        select(SavedSegment.id).where(
            SavedSegment.coalition_id == viewer.coalition.id, SavedSegment.name == name
        )
    )
    if taken is not None:
        raise SegmentNameTaken(name)
    segment = SavedSegment(
        coalition_id=viewer.coalition.id, name=name, criteria=criteria.params(), created_by_id=by.id
    )
    db.session.add(segment)
    db.session.flush()
    log.info("segment %s (%r) saved in coalition %s by %s", segment.id, name, viewer.coalition.id, by.id)
    return segment


def delete_segment(segment: SavedSegment, *, by: Any) -> None:
    log.info("segment %s (%r) deleted by %s", segment.id, segment.name, by.id)
    db.session.delete(segment)
    db.session.flush()


def segment_people(segment: SavedSegment) -> Any:
    """SELECT of the ids of the people the segment holds now."""
    coalition = db.session.get(Coalition, segment.coalition_id)
    return matching_ids(coordinator_view(coalition), Criteria.from_params(segment.criteria or {}))


# ---- as messaging sees it -------------------------------------------------------------------------


def _choices(coalition: Any) -> list[tuple[dict[str, Any], str]]:
    return [({"segment_id": s.id}, _("Saved segment: %(name)s", name=s.name)) for s in segments_of(coalition)]


def _people(mailing: Any, params: dict[str, Any]) -> Any:
    """The segment's people, if it is the mailing coalition's own; nobody otherwise (or once deleted)."""
    raw = params.get("segment_id")
    segment = db.session.get(SavedSegment, raw) if isinstance(raw, int) and 0 < raw <= MAX_ID else None
    if segment is None or segment.coalition_id != mailing.coalition_id:
        return select(Person.id).where(false())
    return segment_people(segment)


SAVED = Segment(KIND, _choices, _people)
