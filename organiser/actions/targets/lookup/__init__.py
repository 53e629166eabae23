"""The area lookup: a coalition's table from what writers type (a UK postcode, its sector or district,
a ward code, a town) to the area (a region or constituency) they live in, imported from CSV with a
checked preview; and the decision-makers of each area, for letters "by region".

``postcodes`` normalises keys and searches; ``models`` is the table; ``areas`` finds a writer's area
and its decision-makers; ``imports`` reads the CSV; ``views`` are the coordinators' pages."""

from __future__ import annotations

from organiser.actions.targets.lookup.areas import (
    Area,
    TableArea,
    area_code,
    areas_with_targets,
    clear_table,
    find_area,
    has_table,
    table_of,
    targets_in,
)
from organiser.actions.targets.lookup.postcodes import (
    candidates,
    district,
    normalise,
    uk_postcode,
    well_formed,
)

__all__ = [
    "Area",
    "TableArea",
    "area_code",
    "areas_with_targets",
    "candidates",
    "clear_table",
    "district",
    "find_area",
    "has_table",
    "normalise",
    "table_of",
    "targets_in",
    "uk_postcode",
    "well_formed",
]
