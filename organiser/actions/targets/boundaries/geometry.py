"""From longitude and latitude to small SVG paths, once, when a map is uploaded.

* **Projection**: Web Mercator (what web maps use; shapes look right at any latitude a coalition
  works at), scaled so that every area together fills a box at most ``WIDTH`` × ``MAX_HEIGHT`` units,
  centred across the full width so that maps and charts share a width on the page. Latitudes are
  clamped to ±85°, as Web Mercator does. A map across the antimeridian (Fiji) is not handled.
* **Simplification**: points closer than the tolerance to the last one kept are dropped, then
  Douglas–Peucker keeps the points that matter to the shape; a ring keeps at least a triangle, and an
  area's specks (islands smaller than the tolerance) go when it has a larger ring. Coordinates are
  rounded to a tenth of a unit. The tolerance starts at a quarter of a unit (under a pixel on a
  phone) and doubles until the whole map's paths fit in ``MAX_PATH_CHARACTERS``, so the petition
  page stays light whatever the detail of the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from organiser.actions.targets.boundaries.geojson import Outline, Polygon

WIDTH, MAX_HEIGHT, PAD = 360.0, 480.0, 4.0
MAX_LATITUDE = 85.0
MAX_PATH_CHARACTERS = 120_000
FIRST_TOLERANCE, LAST_TOLERANCE = 0.25, 16.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Drawn:
    """A map ready to store: its box, and each area's path (with how many points it kept)."""

    width: float
    height: float
    paths: dict[str, tuple[str, int]]


def _mercator(lon: float, lat: float) -> Point:
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _projected(outlines: list[Outline]) -> dict[str, list[list[list[Point]]]]:
    return {
        o.code: [[[_mercator(lon, lat) for lon, lat in ring] for ring in polygon] for polygon in o.polygons]
        for o in outlines
    }


def draw(outlines: list[Outline]) -> Drawn:
    """Project and simplify every area of the file into one box."""
    projected = _projected(outlines)
    points = [p for polygons in projected.values() for polygon in polygons for ring in polygon for p in ring]
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    span_x, span_y = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
    scale = min((WIDTH - 2 * PAD) / span_x, (MAX_HEIGHT - 2 * PAD) / span_y)
    left = (WIDTH - span_x * scale) / 2
    height = round(span_y * scale + 2 * PAD, 1)

    def screen(p: Point) -> Point:
        return left + (p[0] - min_x) * scale, PAD + (max_y - p[1]) * scale

    shapes = {
        code: [[[screen(p) for p in ring] for ring in polygon] for polygon in polygons]
        for code, polygons in projected.items()
    }
    tolerance = FIRST_TOLERANCE
    while True:
        paths = {code: _path(polygons, tolerance) for code, polygons in shapes.items()}
        if sum(len(p) for p, _n in paths.values()) <= MAX_PATH_CHARACTERS or tolerance >= LAST_TOLERANCE:
            return Drawn(WIDTH, height, paths)
        tolerance *= 2


def _distance2(p: Point, q: Point) -> float:
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2


def _segment_distance2(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    norm = dx * dx + dy * dy
    if norm == 0:
        return _distance2(p, a)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / norm))
    return _distance2(p, (a[0] + t * dx, a[1] + t * dy))


def _thinned(points: list[Point], tolerance: float) -> list[Point]:
    """Points closer than the tolerance to the last one kept dropped (the last point is kept)."""
    kept, limit = [points[0]], tolerance * tolerance
    for p in points[1:-1]:
        if _distance2(p, kept[-1]) >= limit:
            kept.append(p)
    kept.append(points[-1])
    return kept


def _douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The line's points that stray more than the tolerance from the simplified line (its ends kept)."""
    if len(points) < 3:
        return points
    keep = bytearray(len(points))
    keep[0] = keep[-1] = 1
    stack, limit = [(0, len(points) - 1)], tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy or 1e-12
        farthest, index = -1.0, -1
        for i in range(first + 1, last):  # the distance to the segment, inlined: the hot loop of an upload
            px, py = points[i]
            t = ((px - ax) * dx + (py - ay) * dy) / norm
            t = 0.0 if t < 0 else 1.0 if t > 1 else t
            d = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d > farthest:
                farthest, index = d, i
        if farthest > limit:
            keep[index] = 1
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _ring(ring: list[Point], tolerance: float) -> list[Point]:
    """A closed ring simplified, open (its first point not repeated), at least a triangle."""
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    if len(points) < 3:
        return points
    far = max(range(len(points)), key=lambda i: _distance2(points[i], points[0]))
    first = _douglas_peucker(_thinned(points[: far + 1], tolerance), tolerance)
    second = _douglas_peucker(_thinned([*points[far:], points[0]], tolerance), tolerance)
    simplified = first + second[1:-1]
    if len(simplified) < 3:  # a speck: keep the point farthest from its long axis
        a, b = points[0], points[far]
        third = max(points, key=lambda p: _segment_distance2(p, a, b))
        simplified = [a, b, third]
    return simplified


def _extent(ring: list[Point]) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _ring_path(ring: list[Point]) -> tuple[str, int]:
    rounded = [(_number(x), _number(y)) for x, y in ring]
    deduplicated = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
    if len(deduplicated) < 3:  # smaller than a tenth of a unit: nothing to see
        return "", 0
    first, *rest = deduplicated
    return f"M{first[0]} {first[1]}L" + " ".join(f"{x} {y}" for x, y in rest) + "Z", len(deduplicated)


def _path(polygons: list[Polygon], tolerance: float) -> tuple[str, int]:
    """Every ring of the area as one path (drawn with fill-rule evenodd, so holes stay holes)."""
    rings = [_ring(ring, tolerance) for polygon in polygons for ring in polygon]
    rings = [r for r in rings if len(r) >= 3]
    large = [r for r in rings if _extent(r) >= tolerance * 2]
    if large:
        rings = large
    elif rings:
        rings = [max(rings, key=_extent)]
    parts = [part for part in (_ring_path(r) for r in rings) if part[1]]
    if not parts and rings:  # smaller than a tenth of a unit: a dot, so that it is still there
        x, y = rings[0][0]
        dot = [(x - 0.3, y), (x, y - 0.3), (x + 0.3, y), (x, y + 0.3)]
        parts = [_ring_path(dot)]
    return "".join(p for p, _n in parts), sum(n for _p, n in parts)
