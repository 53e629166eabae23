"""Demo maps, written down here from public facts (nothing is downloaded at run time), and coarse on
purpose: enough to show a petition's support by area, not to survey anything.

* FIA Zambia: the ten provinces (ISO 3166-2:ZM codes, as the demo lookup table), each a polygon of
  a dozen points or fewer traced from where its border runs: the Angolan border along 22° and 24° E,
  the Zambezi and Lake Kariba in the south, the Luapula river and Lake Mweru on the Congolese side
  (the Congo Pedicle left out), Lake Tanganyika, and the Malawian and Mozambican borders; the
  provincial boundaries between the towns each province holds (Mongu, Solwezi, Kabwe, Ndola,
  Mansa, Kasama, Chinsali, Chipata, Lusaka, Choma, Livingstone). Neighbouring provinces share
  their corners, so the map has no gaps but the Pedicle.
* SIA: the six Westminster constituencies of the demo lookup table, each an octagon around its
  centre, schematic: about 50 km across where the real ones are 5 to 10, so that six constituencies
  scattered from Brighton to Edinburgh show at all. A real map has all 650, from the ONS boundary
  files."""

from __future__ import annotations

import json
from typing import Any

from organiser.actions.targets.boundaries.services import upload_map
from organiser.actions.targets.lookup.demo import CONSTITUENCIES

PROVINCES = {  # ISO 3166-2:ZM code: (name, outline as (longitude, latitude))
    "ZM-01": (
        "Western Province",
        [(22.0, -13.6), (23.4, -14.0), (24.3, -13.9), (25.3, -14.3), (25.8, -15.5), (25.6, -16.6)]
        + [(25.3, -17.8), (23.4, -17.6), (22.0, -16.2)],
    ),
    "ZM-02": (
        "Central Province",
        [(25.3, -14.3), (26.5, -13.6), (27.0, -12.6), (27.5, -13.3), (28.3, -13.5), (29.0, -13.4)]
        + [(29.6, -13.2), (30.6, -12.9), (31.3, -13.4), (30.5, -14.6), (29.5, -14.6), (28.8, -15.0)]
        + [(28.4, -15.2), (27.9, -15.6), (27.0, -15.4), (25.8, -15.5)],
    ),
    "ZM-03": (
        "Eastern Province",
        [(30.5, -14.6), (31.3, -13.4), (31.9, -12.6), (32.9, -11.6), (33.3, -12.0), (33.0, -13.0)]
        + [(32.8, -13.7), (33.2, -14.0), (31.6, -14.6), (30.4, -15.6)],
    ),
    "ZM-04": (
        "Luapula Province",
        [(28.6, -8.7), (29.3, -8.6), (29.6, -9.6), (29.9, -10.6), (30.3, -11.6), (30.6, -12.9)]
        + [(29.6, -13.2), (29.1, -12.4), (28.5, -11.3), (28.4, -10.0)],
    ),
    "ZM-05": (
        "Northern Province",
        [(29.3, -8.6), (30.75, -8.3), (31.0, -8.6), (32.2, -9.2), (31.6, -10.3), (31.0, -11.3)]
        + [(30.3, -11.6), (29.9, -10.6), (29.6, -9.6)],
    ),
    "ZM-06": (
        "North-Western Province",
        [(24.0, -11.0), (25.3, -11.2), (26.0, -10.9), (27.2, -11.6), (27.0, -12.6), (26.5, -13.6)]
        + [(25.3, -14.3), (24.3, -13.9), (23.4, -14.0), (22.0, -13.6), (22.0, -13.0), (24.0, -13.0)],
    ),
    "ZM-07": (
        "Southern Province",
        [(25.8, -15.5), (27.0, -15.4), (27.9, -15.6), (28.3, -15.8), (28.6, -16.0), (28.8, -16.5)]
        + [(27.0, -17.9), (25.85, -17.85), (25.3, -17.8), (25.6, -16.6)],
    ),
    "ZM-08": (
        "Copperbelt Province",
        [(27.2, -11.6), (27.9, -12.3), (28.4, -12.45), (28.8, -12.8), (29.0, -13.4), (28.3, -13.5)]
        + [(27.5, -13.3), (27.0, -12.6)],
    ),
    "ZM-09": (
        "Lusaka Province",
        [(27.9, -15.6), (28.4, -15.2), (28.8, -15.0), (29.5, -14.6), (30.5, -14.6), (30.4, -15.6)]
        + [(28.8, -16.5), (28.6, -16.0), (28.3, -15.8)],
    ),
    "ZM-10": (
        "Muchinga Province",
        [(32.2, -9.2), (32.9, -9.4), (33.5, -10.0), (33.3, -10.8), (32.9, -11.6), (31.9, -12.6)]
        + [(31.3, -13.4), (30.6, -12.9), (30.3, -11.6), (31.0, -11.3), (31.6, -10.3)],
    ),
}

CENTRES = {  # demo constituency code: (longitude, latitude) of its centre
    "LEEDS-CENTRAL-HEADINGLEY": (-1.56, 53.81),
    "LIVERPOOL-RIVERSIDE": (-2.97, 53.39),
    "MANCHESTER-CENTRAL": (-2.22, 53.48),
    "BRISTOL-CENTRAL": (-2.6, 51.46),
    "EDINBURGH-NORTH-LEITH": (-3.19, 55.97),
    "BRIGHTON-PAVILION": (-0.15, 50.84),
}
_OCTAGON = [(0, 1), (0.7, 0.7), (1, 0), (0.7, -0.7), (0, -1), (-0.7, -0.7), (-1, 0), (-0.7, 0.7)]


def _octagon(lon: float, lat: float) -> list[tuple[float, float]]:
    """About 50 km across: 0.4° of longitude and 0.23° of latitude at British latitudes."""
    return [(round(lon + 0.4 * x, 4), round(lat + 0.23 * y, 4)) for x, y in _OCTAGON]


def _geojson(areas: dict[str, tuple[str, list[tuple[float, float]]]]) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [[*map(list, ring), list(ring[0])]]},
        }
        for code, (name, ring) in areas.items()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def seed_uk_map(sia: Any, by: Any) -> None:
    """SIA's constituencies, uploaded as a coordinator would."""
    areas = {code: (name, _octagon(*CENTRES[code])) for name, (code, _districts) in CONSTITUENCIES.items()}
    upload_map(
        sia.id,
        _geojson(areas),
        code_property="code",
        name_property="name",
        filename="constituencies.geojson",
        by=by,
    )


def seed_zambian_map(zambia: Any, by: Any) -> None:
    """FIA Zambia's provinces, uploaded as a coordinator would."""
    upload_map(
        zambia.id,
        _geojson(PROVINCES),
        code_property="code",
        name_property="name",
        filename="provinces.geojson",
        by=by,
    )
