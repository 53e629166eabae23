"""Reading a coalition's boundaries: a GeoJSON file (RFC 7946), checked feature by feature.

What is taken: a ``FeatureCollection`` whose features each outline an area with a ``Polygon`` or a
``MultiPolygon`` (longitude, latitude), and name its area code in a property the coordinator names
(``code`` unless they say otherwise; ONS files call it ``PCON24CD`` for the 2024 constituencies),
optionally its name in another. Features with the same code are one area (an island and its
mainland). Everything else is refused with the feature's number, and nothing is kept: a file that
is not JSON (with the line and column), not UTF-8, too large, nested too deeply, with another
geometry, a position off the globe, a ring with fewer than four positions, or no area code."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _

from organiser.actions.targets.lookup import area_code
from organiser.web.inputs import CONTROLS, without_controls

MAX_BYTES = 4 * 1024 * 1024
MAX_AREAS = 1000
MAX_PROBLEMS = 10  # listed one by one; the rest are counted
MAX_CODE, MAX_NAME = 40, 200

Position = tuple[float, float]
Ring = list[Position]
Polygon = list[Ring]


class BoundaryFileError(Exception):
    """The file cannot be used; ``problems`` says why, each a sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Problem(Exception):
    pass


@dataclass
class Outline:
    """One area of the file: its code, its name, and every polygon of the features that carry its code."""

    code: str
    name: str
    polygons: list[Polygon] = field(default_factory=list)


def max_bytes() -> int:
    """The largest file taken: 4 MB, or less when the server takes smaller requests."""
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH") or MAX_BYTES * 2
    return min(MAX_BYTES, request_limit - 64 * 1024)


def _megabytes(size: int) -> str:
    return format_decimal(size / 1024 / 1024, format="#,##0.#")


def read_boundaries(data: bytes, code_property: str, name_property: str = "") -> list[Outline]:
    """The areas of the file, by code; raises BoundaryFileError with every problem found."""
    if len(data) > max_bytes():
        raise BoundaryFileError(
            [
                _(
                    "The file is larger than %(max)s MB, the most a map may be. Simplify it first "
                    "(mapshaper.org does it in a browser) or keep fewer areas.",
                    max=_megabytes(max_bytes()),
                )
            ]
        )
    features = _features(_parsed(data))
    outlines: dict[str, Outline] = {}
    problems: list[str] = []
    for number, feature in enumerate(features, start=1):
        try:
            code, name, polygons = _feature(feature, code_property, name_property)
        except _Problem as problem:
            problems.append(_("Feature %(number)s: %(problem)s", number=number, problem=problem))
            continue
        outlines.setdefault(code, Outline(code, name)).polygons.extend(polygons)
    if problems:
        raise BoundaryFileError(_listed(problems))
    if len(outlines) > MAX_AREAS:
        raise BoundaryFileError(
            [_("At most %(max)s areas in one map: this file has %(n)s.", max=MAX_AREAS, n=len(outlines))]
        )
    return list(outlines.values())


def _listed(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], _("… and %(n)s more features with problems.", n=more)]


def _no_constant(name: str) -> Any:
    raise _Problem(_("%(value)s is not a number JSON allows", value=name))


def _parsed(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BoundaryFileError([_("The file is not UTF-8 text, as GeoJSON files are.")]) from None
    if not text.strip():
        raise BoundaryFileError([_("The file is empty.")])
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise BoundaryFileError(
            [
                _(
                    "The file is not JSON: %(reason)s at line %(line)s, column %(column)s.",
                    reason=error.msg,
                    line=error.lineno,
                    column=error.colno,
                )
            ]
        ) from None
    except _Problem as problem:
        raise BoundaryFileError([_("The file is not JSON: %(reason)s.", reason=problem)]) from None
    except (ValueError, RecursionError):  # a number too long to read, arrays nested thousands deep
        raise BoundaryFileError(
            [_("The file is not JSON this can read (a number too long, or nesting too deep).")]
        ) from None


def _shown(value: Any) -> str:
    """A value from the file, fit to quote in a message."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
    text = without_controls(text)
    return text if len(text) <= 40 else text[:39] + "…"


def _features(document: Any) -> list[Any]:
    kind = document.get("type") if isinstance(document, dict) else None
    if kind != "FeatureCollection":
        found = _shown(kind) if isinstance(kind, str) else _("not GeoJSON")
        raise BoundaryFileError(
            [_("The file must be a GeoJSON FeatureCollection; this one is %(kind)s.", kind=found)]
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise BoundaryFileError([_("The file's “features” must be a list of features.")])
    if not features:
        raise BoundaryFileError([_("The file has no features: there is no area to draw.")])
    return features


def _feature(feature: Any, code_property: str, name_property: str) -> tuple[str, str, list[Polygon]]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise _Problem(_("it is not a GeoJSON Feature."))
    properties = feature.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    code = _code(properties, code_property)
    polygons = _polygons(feature.get("geometry"))
    name = _name(properties, name_property) or code
    return code, name, polygons


def _property(properties: dict[str, Any], name: str) -> Any:
    """The property so named, or the one named so whatever its case."""
    if name in properties:
        return properties[name]
    same = [key for key in properties if isinstance(key, str) and key.casefold() == name.casefold()]
    return properties[same[0]] if len(same) == 1 else None


def _code(properties: dict[str, Any], code_property: str) -> str:
    value = _property(properties, code_property)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        names = ", ".join(_shown(key) for key in list(properties)[:8]) or _("none")
        raise _Problem(
            _(
                "it has no “%(property)s” property naming its area code (its properties: %(names)s).",
                property=_shown(code_property),
                names=names,
            )
        )
    code = area_code(str(value))
    if not code:
        raise _Problem(_("its “%(property)s” is empty.", property=_shown(code_property)))
    if CONTROLS.search(code):
        raise _Problem(_("its area code has control characters."))
    if len(code) > MAX_CODE:
        raise _Problem(_("its area code is longer than %(max)s characters.", max=MAX_CODE))
    return code


def _name(properties: dict[str, Any], name_property: str) -> str:
    value = _property(properties, name_property) if name_property else None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return ""
    name = " ".join(without_controls(str(value)).split())
    if len(name) > MAX_NAME:
        raise _Problem(_("its name is longer than %(max)s characters.", max=MAX_NAME))
    return name


def _polygons(geometry: Any) -> list[Polygon]:
    if not isinstance(geometry, dict):
        raise _Problem(_("it has no geometry."))
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        polygons = coordinates
    elif kind == "MultiPolygon":
        raise _Problem(_("its MultiPolygon has no polygons."))
    else:
        shown = _shown(kind) if isinstance(kind, str) else _("no type")
        raise _Problem(
            _("its geometry is %(kind)s: only a Polygon or a MultiPolygon outlines an area.", kind=shown)
        )
    return [_polygon(polygon) for polygon in polygons]


def _polygon(polygon: Any) -> Polygon:
    if not isinstance(polygon, list) or not polygon:
        raise _Problem(_("a polygon is not a list of rings of [longitude, latitude] positions."))
    return [_ring(ring) for ring in polygon]


def _ring(ring: Any) -> Ring:
    if not isinstance(ring, list):
        raise _Problem(_("a polygon is not a list of rings of [longitude, latitude] positions."))
    positions = [_position(p) for p in ring]
    if positions and positions[0] != positions[-1]:
        positions.append(positions[0])  # RFC 7946 closes rings; a file that forgot is closed here
    if len(positions) < 4:
        raise _Problem(
            _("a ring has %(n)s positions; it needs at least 4 (the last repeating the first).", n=len(ring))
        )
    return positions


def _position(position: Any) -> Position:
    if (
        not isinstance(position, list)
        or len(position) < 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position[:2])
    ):
        raise _Problem(
            _("a position is not a [longitude, latitude] pair of numbers: %(value)s.", value=_shown(position))
        )
    try:
        lon, lat = float(position[0]), float(position[1])
    except OverflowError:  # an integer of hundreds of digits
        lon = lat = math.inf
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise _Problem(
            _(
                "the position %(value)s is off the globe (longitude −180 to 180, then latitude −90 to 90).",
                value=_shown(position),
            )
        )
    return lon, lat
