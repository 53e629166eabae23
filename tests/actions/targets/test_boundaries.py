"""A coalition's map file: GeoJSON checked feature by feature with numbered, readable problems, then
projected and simplified into small SVG paths."""

from __future__ import annotations

import json
import math
import re

import pytest

from organiser.actions.targets.boundaries import geometry
from organiser.actions.targets.boundaries.geojson import BoundaryFileError, max_bytes, read_boundaries


def square(lon: float, lat: float, size: float = 0.1) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def feature(code: object, geometry_: object, **properties: object) -> dict[str, object]:
    return {"type": "Feature", "properties": {"code": code, **properties}, "geometry": geometry_}


def polygon(*rings: list[list[float]]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": list(rings)}


def collection(*features: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def problems(data: bytes, code_property: str = "code") -> list[str]:
    with pytest.raises(BoundaryFileError) as raised:
        read_boundaries(data, code_property, "name")
    return raised.value.problems


def test_a_good_file_gives_each_area_its_polygons_and_features_with_one_code_are_one_area(app):
    with app.app_context():
        data = collection(
            feature("zm-09", polygon(square(28.0, -15.5, 1.0)), name="Lusaka Province"),
            feature(
                "ZM-08",
                {
                    "type": "MultiPolygon",
                    "coordinates": [[square(27.5, -13.0, 1.0)], [square(28.8, -12.6, 0.5)]],
                },
                name="Copperbelt Province",
            ),
            feature("ZM-09", polygon(square(29.0, -15.0, 0.2))),  # an island of Lusaka Province
        )
        outlines = {o.code: o for o in read_boundaries(data, "code", "name")}
        assert set(outlines) == {"ZM-09", "ZM-08"}  # codes as the lookup table keeps them
        assert outlines["ZM-09"].name == "Lusaka Province" and len(outlines["ZM-09"].polygons) == 2
        assert len(outlines["ZM-08"].polygons) == 2
        drawn = geometry.draw(list(outlines.values()))
        assert drawn.width == 360 and 0 < drawn.height <= 480
        for path, points in drawn.paths.values():
            assert re.fullmatch(r"(M[-\d. ]+L[-\d. ]+Z)+", path), path
            assert points >= 6  # two rings, each at least a triangle
        pairs = [
            (float(x), float(y))
            for p, _ in drawn.paths.values()
            for x, y in re.findall(r"([-\d.]+) ([-\d.]+)", p)
        ]
        assert all(0 <= x <= drawn.width and 0 <= y <= drawn.height for x, y in pairs)


def test_the_code_property_is_found_whatever_its_case_and_names_are_optional(app):
    with app.app_context():
        data = collection(
            {
                "type": "Feature",
                "properties": {"PCON24CD": "E14001336"},
                "geometry": polygon(square(-1.6, 53.8)),
            }
        )
        [outline] = read_boundaries(data, "pcon24cd", "PCON24NM")
        assert (outline.code, outline.name) == ("E14001336", "E14001336")


def test_a_detailed_outline_is_simplified_to_a_small_path(app):
    with app.app_context():
        circle = [
            [28 + 3 * math.cos(t / 5000 * 2 * math.pi), -14 + 3 * math.sin(t / 5000 * 2 * math.pi)]
            for t in range(5000)
        ]
        data = collection(feature("ZM-02", polygon([*circle, circle[0]])))
        drawn = geometry.draw(read_boundaries(data, "code"))
        path, points = drawn.paths["ZM-02"]
        assert 12 <= points <= 200 and len(path) < 4000


def wiggly_circle(lon: float, lat: float, points: int) -> list[list[float]]:
    """A ring of many points, each a little off the circle (the detail a file at full resolution has)."""
    ring = [
        [
            round(lon + 0.5 * math.cos(t / points * 2 * math.pi) + 0.01 * (t % 2), 4),
            round(lat + 0.5 * math.sin(t / points * 2 * math.pi), 4),
        ]
        for t in range(points)
    ]
    return [*ring, ring[0]]


def test_many_areas_are_simplified_until_the_whole_map_is_small(app):
    with app.app_context():
        areas = [feature(f"A{i}", polygon(wiggly_circle(i % 30, i // 30, 150))) for i in range(900)]
        drawn = geometry.draw(read_boundaries(collection(*areas), "code"))
        assert len(drawn.paths) == 900
        assert sum(len(p) for p, _n in drawn.paths.values()) <= geometry.MAX_PATH_CHARACTERS


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'{"type": "FeatureCollection",\n "features": [}',
            "The file is not JSON: Expecting value at line 2, column 15.",
        ),
        (b"\xff\xfe{}", "The file is not UTF-8 text, as GeoJSON files are."),
        (b"   ", "The file is empty."),
        (
            b'{"type": "FeatureCollection", "features": [NaN]}',
            "The file is not JSON: NaN is not a number JSON allows.",
        ),
        (
            b"[" * 100_000 + b"]" * 100_000,
            "The file is not JSON this can read (a number too long, or nesting too deep).",
        ),
        (b'{"type": "Topology"}', "The file must be a GeoJSON FeatureCollection; this one is Topology."),
        (b"[1, 2]", "The file must be a GeoJSON FeatureCollection; this one is not GeoJSON."),
        (
            b'{"type": "FeatureCollection", "features": {}}',
            "The file's “features” must be a list of features.",
        ),
        (
            b'{"type": "FeatureCollection", "features": []}',
            "The file has no features: there is no area to draw.",
        ),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused_with_why(app, data, expected):
    with app.app_context():
        assert problems(data) == [expected]


def test_each_bad_feature_is_named_by_its_number(app):
    with app.app_context():
        data = collection(
            feature("E1", polygon(square(-1.6, 53.8))),
            feature("E2", {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
            {
                "type": "Feature",
                "properties": {"PCON24CD": "E3", "PCON24NM": "Leeds"},
                "geometry": polygon(square(0, 51)),
            },
            feature("E4", None),
            feature("E5", polygon(square(200, 51))),
            feature("E6", polygon([[0, 51], [1, 51], [0, 51]])),
            feature("E7", polygon([[0, "51"], [1, 51], [1, 52], [0, 51]])),
            feature("", polygon(square(0, 51))),
            feature("E9\u0007", polygon(square(0, 51))),
            feature(True, polygon(square(0, 51))),
            "not a feature",
        )
        assert problems(data) == [
            "Feature 2: its geometry is LineString: only a Polygon or a MultiPolygon outlines an area.",
            "Feature 3: it has no “code” property naming its area code (its properties: PCON24CD, PCON24NM).",
            "Feature 4: it has no geometry.",
            "Feature 5: the position [200, 51] is off the globe (longitude −180 to 180, then latitude −90 "
            "to 90).",
            "Feature 6: a ring has 3 positions; it needs at least 4 (the last repeating the first).",
            'Feature 7: a position is not a [longitude, latitude] pair of numbers: [0, "51"].',
            "Feature 8: its “code” is empty.",
            "Feature 9: its area code has control characters.",
            "Feature 10: it has no “code” property naming its area code (its properties: code).",
            "Feature 11: it is not a GeoJSON Feature.",
        ]


def test_at_most_ten_problems_are_listed_and_the_rest_counted(app):
    with app.app_context():
        data = collection(*(feature(f"E{i}", None) for i in range(25)))
        listed = problems(data)
        assert len(listed) == 11 and listed[-1] == "… and 15 more features with problems."


def test_too_many_areas_and_too_large_a_file_are_refused(app):
    with app.app_context():
        many = collection(*(feature(f"E{i}", polygon(square(i % 100, i // 100))) for i in range(1001)))
        assert problems(many) == ["At most 1000 areas in one map: this file has 1001."]
        assert max_bytes() == 4 * 1024 * 1024
        large = b" " * (max_bytes() + 1)
        assert problems(large) == [
            "The file is larger than 4 MB, the most a map may be. Simplify it first (mapshaper.org does it "
            "in a browser) or keep fewer areas."
        ]


def test_specks_go_when_an_area_has_a_larger_ring_and_a_tiny_area_is_still_a_dot(app):
    with app.app_context():
        data = collection(
            feature(
                "BIG", {"type": "MultiPolygon", "coordinates": [[square(0, 50, 5)], [square(6, 50, 0.0001)]]}
            ),
            feature("TINY", polygon(square(3, 56, 0.0001))),
        )
        drawn = geometry.draw(read_boundaries(data, "code"))
        big, _points = drawn.paths["BIG"]
        tiny, points = drawn.paths["TINY"]
        assert big.count("M") == 1, "the island smaller than the tolerance is left out"
        assert tiny.count("M") == 1 and points == 4, "a dot, so that the area is still there"


def test_long_codes_and_names_and_malformed_polygons_are_named_too(app):
    with app.app_context():
        data = collection(
            feature("E" * 41, polygon(square(0, 51))),
            feature("E2", polygon(square(0, 51)), name="N" * 201),
            feature("E3", {"type": "MultiPolygon", "coordinates": []}),
            feature("E4", {"type": "Polygon", "coordinates": "none"}),
            feature("E5", {"type": "Polygon", "coordinates": [5]}),
            feature("E6", polygon([[10**400, 51], [1, 51], [1, 52], [0, 51]])),
            feature("E7", polygon([[0, 51], [1, 51], [1, 52]])),  # not closed: closed here
        )
        assert problems(data) == [
            "Feature 1: its area code is longer than 40 characters.",
            "Feature 2: its name is longer than 200 characters.",
            "Feature 3: its MultiPolygon has no polygons.",
            "Feature 4: a polygon is not a list of rings of [longitude, latitude] positions.",
            "Feature 5: a polygon is not a list of rings of [longitude, latitude] positions.",
            f"Feature 6: the position [1{'0' * 37}… is off the globe (longitude −180 to 180, then "
            "latitude −90 to 90).",
        ]
