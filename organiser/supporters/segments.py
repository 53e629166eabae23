"""Saved filters as mailing segments. A coordinator saves the list's filters under a name; the
coalition's mailing form then offers it, and messaging's own rules apply on top, exactly as for every
other segment: only people whose consent covers the sender get it, never the suppressed
(``organiser.messaging.services.audiences``). The segment itself can only narrow: it is drawn from
the people the coalition's coordinators see (``scope.coordinator_view``), never beyond.

An organisation's admins save theirs the same way, from what they see of the list (the people who
agree to hear from their organisation): only that organisation's mailings offer it, and it is drawn
from that organisation's view of the list, never a coordinator's."""

from __future__ import annotations

import logging
from dataclasses import replace
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


def segments_of(coalition: Coalition, organisation_ids: tuple[int, ...] = ()) -> list[SavedSegment]:
    """The coordinators' segments, or (``organisation_ids``) those organisations' own."""
    owner = (
        SavedSegment.organisation_id.in_(organisation_ids)
        if organisation_ids
        else SavedSegment.organisation_id.is_(None)
    )
    return list(
        db.session.scalars(
            select(SavedSegment)
            .where(SavedSegment.coalition_id == coalition.id, owner)
            .order_by(SavedSegment.name, SavedSegment.id)
        )
    )


def save_segment(
    viewer: Viewer, name: str, criteria: Criteria, *, by: Any, organisation_id: int | None = None
) -> SavedSegment:
    """Keep the filters under ``name``, the coordinators' or (``organisation_id``, one of the viewer's)
    an organisation's (SegmentNameTaken if they have one of that name)."""
    if viewer.is_coordinator:
        organisation_id = None
    elif organisation_id not in viewer.organisation_ids:
        raise ValueError("an organisation's admins save segments for their own organisation")
    owner = (
        SavedSegment.organisation_id == organisation_id
        if organisation_id
        else SavedSegment.organisation_id.is_(None)
    )
    taken = db.session.scalar(
        select(SavedSegment.id).where(
            SavedSegment.coalition_id == viewer.coalition.id, SavedSegment.name == name, owner
        )
    )
    if taken is not None:
        raise SegmentNameTaken(name)
    segment = SavedSegment(
        coalition_id=viewer.coalition.id,
        organisation_id=organisation_id,
        name=name,
        criteria=criteria.params(),
        created_by_id=by.id,
    )
    db.session.add(segment)
    db.session.flush()
    log.info(
        "segment %s (%r) saved in coalition %s (organisation %s) by %s",
        segment.id,
        name,
        viewer.coalition.id,
        organisation_id,
        by.id,
    )
    return segment


def may_change(viewer: Viewer, segment: SavedSegment) -> bool:
    """Whether the viewer's segments include this one (the coordinators', or their organisation's)."""
    if segment.coalition_id != viewer.coalition.id:
        return False
    if viewer.is_coordinator:
        return segment.organisation_id is None
    return segment.organisation_id in viewer.organisation_ids


def delete_segment(segment: SavedSegment, *, by: Any) -> None:
    log.info("segment %s (%r) deleted by %s", segment.id, segment.name, by.id)
    db.session.delete(segment)
    db.session.flush()


def segment_people(segment: SavedSegment) -> Any:
    """SELECT of the ids of the people the segment holds now (in its organisation's view, if it has one)."""
    coalition = db.session.get(Coalition, segment.coalition_id)
    view = coordinator_view(coalition)
    if segment.organisation_id is not None:
        view = replace(view, organisation_ids=(segment.organisation_id,))
    return matching_ids(view, Criteria.from_params(segment.criteria or {}))


# ---- as messaging sees it -------------------------------------------------------------------------


def _choices(coalition: Any) -> list[tuple[dict[str, Any], str]]:
    return [({"segment_id": s.id}, _("Saved segment: %(name)s", name=s.name)) for s in segments_of(coalition)]


def _organisation_choices(organisation: Any) -> list[tuple[dict[str, Any], str]]:
    rows = db.session.execute(
        select(SavedSegment.id, SavedSegment.name, Coalition.name)
        .join(Coalition, Coalition.id == SavedSegment.coalition_id)
        .where(SavedSegment.organisation_id == organisation.id)
        .order_by(SavedSegment.name, SavedSegment.id)
    )
    return [
        ({"segment_id": id_}, _("Saved segment: %(name)s (%(coalition)s)", name=name, coalition=coalition))
        for id_, name, coalition in rows
    ]


def _people(mailing: Any, params: dict[str, Any]) -> Any:
    """The segment's people, if it is the mailing's sender's own (the coordinators' of the mailing's
    coalition, or the sending organisation's); nobody otherwise (or once deleted)."""
    raw = params.get("segment_id")
    segment = db.session.get(SavedSegment, raw) if isinstance(raw, int) and 0 < raw <= MAX_ID else None
    if segment is None or segment.organisation_id != mailing.organisation_id:
        return select(Person.id).where(false())
    if segment.organisation_id is None and segment.coalition_id != mailing.coalition_id:
        return select(Person.id).where(false())
    return segment_people(segment)


SAVED = Segment(KIND, _choices, _people, organisation_choices=_organisation_choices)
