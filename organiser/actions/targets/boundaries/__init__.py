"""A coalition's map: the outlines of its areas (constituencies, provinces), uploaded by a coordinator
as GeoJSON and checked feature by feature (``geojson``), projected and simplified once into small SVG
paths (``geometry``), kept (``models``, ``services``); petition pages shade them by where signatures
come from (actions.petitions.support)."""

from __future__ import annotations

from organiser.actions.targets.boundaries.services import areas_of, map_of

__all__ = ["areas_of", "map_of"]
