"""Keeping a coalition's map: a checked file replaces the one before; a coordinator may remove it."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select

from organiser.actions.targets.boundaries import geometry
from organiser.actions.targets.boundaries.geojson import read_boundaries
from organiser.actions.targets.boundaries.models import AreaBoundary, BoundaryMap
from organiser.db import db
from organiser.web.inputs import without_controls

log = logging.getLogger(__name__)


def map_of(coalition_id: int) -> BoundaryMap | None:
    return db.session.scalar(select(BoundaryMap).where(BoundaryMap.coalition_id == coalition_id))


def areas_of(boundary_map: BoundaryMap) -> list[AreaBoundary]:
    query = select(AreaBoundary).where(AreaBoundary.map_id == boundary_map.id).order_by(AreaBoundary.name)
    return list(db.session.scalars(query))


def upload_map(
    coalition_id: int, data: bytes, *, code_property: str, name_property: str, filename: str, by: Any
) -> BoundaryMap:
    """Check the file (raises geojson.BoundaryFileError), draw it, and keep it as the coalition's map
    in place of any other."""
    outlines = read_boundaries(data, code_property, name_property)
    drawn = geometry.draw(outlines)
    names = {o.code: o.name for o in outlines}
    remove_map(coalition_id)
    boundary_map = BoundaryMap(
        coalition_id=coalition_id,
        width=drawn.width,
        height=drawn.height,
        filename=" ".join(without_controls(filename).split())[:200],
        code_property=code_property,
        name_property=name_property,
        uploaded_by_id=by.id,
    )
    db.session.add(boundary_map)
    db.session.flush()
    db.session.add_all(
        AreaBoundary(map_id=boundary_map.id, code=code, name=names[code], path=path, points=points)
        for code, (path, points) in drawn.paths.items()
    )
    db.session.flush()
    log.info("map of coalition %s uploaded by %s: %s areas", coalition_id, by.id, len(drawn.paths))
    return boundary_map


def remove_map(coalition_id: int, *, by: Any = None) -> bool:
    """Remove the coalition's map; returns whether there was one."""
    boundary_map = map_of(coalition_id)
    if boundary_map is None:
        return False
    db.session.execute(delete(AreaBoundary).where(AreaBoundary.map_id == boundary_map.id))
    db.session.delete(boundary_map)
    db.session.flush()
    if by is not None:
        log.info("map of coalition %s removed by %s", coalition_id, by.id)
    return True
