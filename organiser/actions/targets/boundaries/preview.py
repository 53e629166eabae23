"""The map as coordinators check it: every area drawn alike, and how it fits the lookup table."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select

from organiser.actions.targets.boundaries.models import AreaBoundary, BoundaryMap
from organiser.actions.targets.lookup.models import AreaKey
from organiser.db import db
from organiser.web.charts import SHADES, MapArea, area_map

SHOWN = 10  # names listed; the rest are counted


def preview(boundary_map: BoundaryMap, areas: list[AreaBoundary]) -> Markup:
    return area_map(
        [MapArea(a.path, SHADES[1], f"{a.name} ({a.code})") for a in areas],
        height=boundary_map.height,
        chart_id="boundaries-map",
        title=_("The map's areas"),
        description=ngettext(
            "%(num)s area, listed in the table below.",
            "%(num)s areas, listed in the table below.",
            len(areas),
        ),
    )


@dataclass(frozen=True)
class Coverage:
    """How the map's codes meet the lookup table's."""

    table_areas: int
    not_drawn: list[str]  # the table's areas (their names) with no outline on the map
    not_in_table: list[str]  # the map's areas whose code the table does not have
    more_not_drawn: int
    more_not_in_table: int


def coverage(coalition_id: int, areas: list[AreaBoundary]) -> Coverage | None:
    """None when the coalition has no lookup table (its areas are places and districts as typed)."""
    table = dict(
        db.session.execute(
            select(AreaKey.area_code, AreaKey.area_name)
            .where(AreaKey.coalition_id == coalition_id)
            .distinct()
        ).all()
    )
    if not table:
        return None
    drawn = {a.code for a in areas}
    not_drawn = sorted(name for code, name in table.items() if code not in drawn)
    not_in_table = [f"{a.name} ({a.code})" for a in areas if a.code not in table]
    return Coverage(
        len(table),
        not_drawn[:SHOWN],
        not_in_table[:SHOWN],
        max(0, len(not_drawn) - SHOWN),
        max(0, len(not_in_table) - SHOWN),
    )
