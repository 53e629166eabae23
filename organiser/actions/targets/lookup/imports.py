"""The lookup table's CSV import, through the shared reader and checks (organiser.coalitions.imports):
one key a row (a full postcode, a district such as LS6, a sector such as LS6 1, or any code or place
name writers type) with the area it is in. A key already in the table with the same area is a
duplicate, skipped; with another area it is moved to the new one (the preview says so); a key on two
rows of the file with different areas is an error on the second."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organiser.actions.targets.lookup.areas import area_code
from organiser.actions.targets.lookup.models import AreaKey
from organiser.actions.targets.lookup.postcodes import normalise, well_formed
from organiser.coalitions.imports import (
    ImportRow,
    Layout,
    ParsedFile,
    checked,
    csv_rows,
    most_characters,
    shown,
)
from organiser.db import db

log = logging.getLogger(__name__)

MAX_ROWS = 10000
_STORED = AreaKey.__table__.c
AREAS = Layout(
    columns={
        "postcode": most_characters(_STORED.key),
        "area_code": most_characters(_STORED.area_code),
        "area_name": most_characters(_STORED.area_name),
    },
    required=frozenset({"postcode", "area_code"}),
    max_rows=MAX_ROWS,
    too_many=_l("At most %(n)s rows at a time: split the file.", n=MAX_ROWS),
)
COLUMNS = list(AREAS.columns)


def _table(coalition_id: int) -> dict[str, AreaKey]:
    query = select(AreaKey).where(AreaKey.coalition_id == coalition_id)
    return {row.key: row for row in db.session.scalars(query)}


def parse(text: str, coalition_id: int) -> ParsedFile:
    """Every row, checked; raises ImportFileError when the file itself is unusable."""
    table = _table(coalition_id)
    existing: set[Hashable] = {_key(vars(row)) for row in table.values()}
    parsed = checked(csv_rows(text, AREAS), AREAS, _check, lambda v: _key(_as_stored(v)), existing)
    _conflicts(parsed, table)
    return parsed


def _as_stored(values: dict[str, str]) -> dict[str, str]:
    return {"key": values["postcode"], "area_code": values["area_code"], "area_name": values["area_name"]}


def _key(values: dict[str, Any]) -> tuple[str, str, str]:
    return values["key"], values["area_code"], values["area_name"]


def _check(row: ImportRow) -> None:
    v = row.values
    typed = v["postcode"]
    v["postcode"], v["area_code"] = normalise(typed), area_code(v["area_code"])
    v["area_name"] = " ".join(v["area_name"].split()) or v["area_code"]
    if not typed:
        row.errors.append(_("The postcode is missing"))
    elif not well_formed(typed):
        row.errors.append(_("“%(value)s” is not a postcode, code or place name", value=shown(typed)))
    if not v["area_code"]:
        row.errors.append(_("The area code is missing"))


def _conflicts(parsed: ParsedFile, table: dict[str, AreaKey]) -> None:
    """A key given two areas in the file is an error on its second row; one the table puts in
    another area is moved, and the row says from where."""
    first: dict[str, ImportRow] = {}
    for row in parsed.rows:
        if row.errors or not row.readable:
            continue
        key = row.values["postcode"]
        earlier = first.setdefault(key, row)
        if earlier is not row and _key(_as_stored(earlier.values)) != _key(_as_stored(row.values)):
            row.errors.append(
                _("%(key)s is on line %(line)s already, in another area", key=shown(key), line=earlier.line)
            )
        elif row.ok and key in table:
            was = table[key]
            row.notes.append(_("Moves it from %(name)s (%(code)s)", name=was.area_name, code=was.area_code))


def import_areas(coalition_id: int, rows: list[ImportRow], *, by: Any) -> int:
    """Write the rows that passed the checks (adding keys, or moving them to their new area);
    returns how many."""
    table = _table(coalition_id)
    written = 0
    for row in rows:
        if not row.ok:
            continue
        v = row.values
        stored = table.get(v["postcode"])
        if stored is None:
            stored = table[v["postcode"]] = AreaKey(coalition_id=coalition_id, key=v["postcode"])
            db.session.add(stored)
        stored.area_code, stored.area_name = v["area_code"], v["area_name"]
        written += 1
    db.session.flush()
    log.info("%s area lookup rows imported into coalition %s by %s", written, coalition_id, by.id)
    return written
