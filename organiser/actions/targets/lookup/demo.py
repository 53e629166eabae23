"""Demo lookup tables, from public facts (nothing is downloaded at run time):

* SIA: a few Westminster constituencies (2024 boundaries) with postcode districts at their heart.
  Districts often straddle constituency boundaries; a real table would list full postcodes (from
  the ONS Postcode Directory), which the lookup tries before their sector and district. The area
  codes are the demo's own, not ONS codes.
* FIA Zambia: the ten provinces with their ISO 3166-2 codes, found by the province's name, its
  capital or one of its larger towns.

Each area has a decision-maker: an office, not a person, at an invented example.org address."""

from __future__ import annotations

from typing import Any

from organiser.actions.targets.lookup.models import AreaKey
from organiser.actions.targets.lookup.postcodes import normalise
from organiser.actions.targets.models import Target
from organiser.db import db

CONSTITUENCIES = {  # name: (demo code, postcode districts)
    "Leeds Central and Headingley": ("LEEDS-CENTRAL-HEADINGLEY", ("LS1", "LS2", "LS6")),
    "Liverpool Riverside": ("LIVERPOOL-RIVERSIDE", ("L1", "L8")),
    "Manchester Central": ("MANCHESTER-CENTRAL", ("M1",)),
    "Bristol Central": ("BRISTOL-CENTRAL", ("BS1", "BS8")),
    "Edinburgh North and Leith": ("EDINBURGH-NORTH-LEITH", ("EH6",)),
    "Brighton Pavilion": ("BRIGHTON-PAVILION", ("BN1",)),
}

PROVINCES = {  # ISO 3166-2:ZM code: (name, places in it)
    "ZM-01": ("Western", ("Mongu", "Senanga")),
    "ZM-02": ("Central", ("Kabwe", "Kapiri Mposhi")),
    "ZM-03": ("Eastern", ("Chipata", "Petauke")),
    "ZM-04": ("Luapula", ("Mansa",)),
    "ZM-05": ("Northern", ("Kasama", "Mbala")),
    "ZM-06": ("North-Western", ("Solwezi",)),
    "ZM-07": ("Southern", ("Choma", "Livingstone")),
    "ZM-08": ("Copperbelt", ("Ndola", "Kitwe", "Chingola", "Mufulira", "Luanshya")),
    "ZM-09": ("Lusaka", ("Kafue", "Chongwe")),
    "ZM-10": ("Muchinga", ("Chinsali",)),
}


def seed_uk_constituencies(sia: Any) -> list[Target]:
    """SIA's table and an MP's office for each constituency."""
    targets = []
    for name, (code, districts) in CONSTITUENCIES.items():
        _keys(sia.id, code, name, districts)
        slug = code.lower()
        targets.append(
            _target(
                sia.id, f"MP for {name} (demo)", "Member of Parliament", "House of Commons", name, code, slug
            )
        )
    db.session.flush()
    return targets


def seed_zambian_provinces(zambia: Any) -> list[Target]:
    """FIA Zambia's table and a Provincial Minister's office for each province."""
    targets = []
    for code, (name, places) in PROVINCES.items():
        province = f"{name} Province"
        _keys(zambia.id, code, province, (name, province, *places))
        slug = name.lower().replace("-", "")
        targets.append(
            _target(
                zambia.id,
                f"Provincial Minister, {province} (demo)",
                "Provincial Minister",
                "Government of the Republic of Zambia",
                province,
                code,
                slug,
            )
        )
    db.session.flush()
    return targets


def _keys(coalition_id: int, code: str, name: str, keys: tuple[str, ...]) -> None:
    for key in dict.fromkeys(normalise(k) for k in keys):
        db.session.add(AreaKey(coalition_id=coalition_id, key=key, area_code=code, area_name=name))


def _target(coalition_id: int, name: str, role: str, body: str, region: str, code: str, slug: str) -> Target:
    target = Target(
        coalition_id=coalition_id,
        name=name,
        role=role,
        body=body,
        region=region,
        area_code=code,
        email=f"{slug}.demo@example.org",
    )
    db.session.add(target)
    return target
