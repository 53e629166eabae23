"""The CSV reader shared by the members and decision-makers imports, tried with generated files:
whatever the file, reading it raises nothing but ImportFileError, no row is swallowed, and every row
is either ready (and then fits the database, which the test proves by writing it) or says why not."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from organiser.actions.targets import services as targets
from organiser.actions.targets.models import Target
from organiser.coalitions import imports, services
from organiser.coalitions.models import Coalition, Membership, Organisation
from organiser.core.models import Role
from organiser.db import db
from tests.factories import CoalitionFactory, user_with_role

# What the database keeps of each column, read here from the models on their own (the import may take
# less, as the forms do); the description is a Text column: the profile form's limit applies.
STORED = {
    "members": {
        **{c: Organisation.__table__.c[c].type.length for c in ("name", "type", "country", "region")},
        "website": Organisation.__table__.c.website.type.length,
        **{c: Membership.__table__.c[c].type.length for c in ("contact_name", "contact_email", "role")},
        "description": 2000,
    },
    "targets": {
        c: Target.__table__.c[c].type.length for c in ("name", "role", "body", "region", "email", "area_code")
    },
}
SPECIAL = [
    *'",;\t\r\n',
    '""',
    "\r\n",
    "\x00",
    "\x01",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u202e",  # right-to-left override
    "\u2067",
    "e\u0301",  # a combining mark
    "\u0301",
    " ",
    "\xa0",
    "\ufeff",
    "=1+1",
    "GB",
    " zm ",
    "ngo",
    "Trade union",
    "chair",
    "https://example.org",
    "ann@example.org",
    "@example.org",
    "İ",  # longer in lower case
]
_fragment = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=12),
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["x", "é", "漢", "e\u0301", "İ"]),
        st.sampled_from([60, 100, 160, 199, 200, 201, 319, 320, 321, 1000, 2001]),
    ),
)
CELL = st.lists(_fragment, max_size=4).map("".join)
_LOCAL = st.text("abcxyz-_İé", min_size=1, max_size=66)
# Values a column would have in a real file, up to the longest the database keeps; one cell in ten
# is any CELL instead (a row with nine columns is all LIKELY about a third of the time).
LIKELY = {
    "name": st.text(min_size=1, max_size=40) | st.sampled_from(["Acme", "x" * 200, "é" * 200, "=SUM(A1)"]),
    "country": st.sampled_from(["GB", "zm", " ke "]),
    "type": st.sampled_from(["", "ngo", "Trade union", "trade-union", "NGO"]),
    "role": st.sampled_from(["", "member", "Chair", "steering"]),
    "website": st.sampled_from(["", "https://example.org", "http://x.example/a?b=c"]),
    "email": st.builds("{}@example.org".format, _LOCAL),
    "contact_email": st.just("") | st.builds("{}@example.org".format, _LOCAL),
}


def _cell(column: str) -> st.SearchStrategy[str]:
    return st.integers(0, 9).flatmap(lambda n: CELL if n == 0 else LIKELY.get(column, st.text(max_size=30)))


@dataclass
class GeneratedFile:
    data: bytes
    rows: list[list[str]]
    columns: list[str]
    delimiter: str
    well_formed: bool


@st.composite
def csv_files(draw: st.DrawFn, layout: imports.Layout) -> GeneratedFile:
    """A file written by csv.writer (any delimiter, line end and quoting) from generated rows, at
    times broken on purpose after its first row: a quotation mark, a line end or a delimiter added."""
    columns = draw(st.permutations(list(layout.columns)))
    if draw(st.booleans()):
        columns.insert(draw(st.integers(0, len(columns))), "notes")
    rows = [
        [draw(_cell(c)) for c in columns] + draw(st.lists(CELL, max_size=1))
        for _ in range(draw(st.sampled_from([0, 1, 2, 3, 4, 6])))
    ]
    rows = [row[: draw(st.integers(0, len(row)))] if draw(st.integers(0, 4)) == 0 else row for row in rows]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    end = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=end, quoting=quoting)
    writer.writerow(columns)
    header = len(out.getvalue())
    writer.writerows(rows)
    text = out.getvalue()
    # csv.writer quotes only the line end it writes: a cell with another one breaks the file.
    other_line_end = any(re.search("[\r\n]", c) for r in rows for c in r)
    well_formed = end == "\r\n" or quoting == csv.QUOTE_ALL or not other_line_end
    breaking = st.sampled_from(['"', "\r", "\n", delimiter])
    breakage = draw(st.none() | st.tuples(st.integers(0, 10**6), breaking))
    if breakage is not None:
        at = header + breakage[0] % (len(text) - header + 1)
        text, well_formed = text[:at] + breakage[1] + text[at:], False
    bom = "\ufeff" if draw(st.booleans()) else ""
    return GeneratedFile((bom + text).encode("utf-8"), rows, columns, delimiter, well_formed)


def _blank(cell: str) -> bool:
    """Only spaces (control characters are never blank: they are reported)."""
    return all(c.isspace() and unicodedata.category(c) != "Cc" for c in cell)


def _content_lines(data: bytes, delimiter: str) -> list[int]:
    """The line numbers (after the first) holding anything but spaces, delimiters and quotes."""
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+", data.decode("utf-8-sig"))
    return [
        n
        for n, line in enumerate(lines, start=1)
        if n > 1 and any(not _blank(c) and c not in (delimiter, '"', "\r", "\n") for c in line)
    ]


@pytest.fixture
def world(app):
    with app.app_context():
        coalition = CoalitionFactory(slug="sia")
        coordinator = user_with_role(Role.COALITION_COORDINATOR, coalition.id, email="coord@example.org")
        db.session.commit()
        return coalition.id, coordinator.id


def _parse(kind: str, text: str, coalition_id: int) -> imports.ParsedFile:
    if kind == "members":
        return imports.parse(text, db.session.get(Coalition, coalition_id))
    return targets.parse(text, coalition_id)


def _write(kind: str, rows: list[imports.ImportRow], coalition_id: int, user_id: int) -> int:
    from organiser.core.models import User

    user = db.session.get(User, user_id)
    if kind == "members":
        return services.import_members(db.session.get(Coalition, coalition_id), rows, by=user)
    return targets.import_targets(coalition_id, rows, by=user)


def _stored_names(kind: str, coalition_id: int) -> list[str]:
    if kind == "members":
        query = select(Organisation.name).join(Membership).where(Membership.coalition_id == coalition_id)
    else:
        query = select(Target.name).where(Target.coalition_id == coalition_id)
    return sorted(db.session.scalars(query))


LAYOUTS = {"members": imports.MEMBERS, "targets": targets.TARGETS}


@pytest.mark.parametrize("kind", ["members", "targets"])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(data=st.data())
def test_any_file_is_read_row_by_row_and_what_is_ready_fits_the_database(app, world, kind, data):
    file = data.draw(csv_files(LAYOUTS[kind]))
    coalition_id, user_id = world
    with app.test_request_context():
        try:
            parsed = _parse(kind, imports.decode(file.data), coalition_id)
        except imports.ImportFileError as exc:
            event(f"refused: {str(exc)[:30]}")
            data_rows = [r for r in file.rows if not all(_blank(c) for c in r)]
            assert b"\x00" in file.data or not data_rows or not file.well_formed
            assert b"\x00" in file.data or not _content_lines(file.data, file.delimiter)
            return
        covered = {n for row in parsed.rows for n in range(row.line, row.end + 1)}
        assert set(_content_lines(file.data, file.delimiter)) <= covered, "no line swallowed"
        if file.well_formed:
            data_rows = [r for r in file.rows if not all(_blank(c) for c in r)]
            assert len(parsed.rows) == len(data_rows)
            name = file.columns.index("name")
            for row, cells in zip(parsed.rows, data_rows, strict=True):
                if row.ok:
                    assert row.values["name"] == cells[name].strip(), "written as it was in the file"
        for row in parsed.rows:
            assert row.ok or row.errors or row.duplicate
            if row.ok:
                assert row.end == row.line and row.values["name"]
                for column, value in row.values.items():
                    assert len(value) <= STORED[kind][column], column
                    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", value), column
        # The proof that ready rows fit: write them (PostgreSQL refuses a value too long or a NUL).
        savepoint = db.session.begin_nested()
        before = _stored_names(kind, coalition_id)
        assert _write(kind, parsed.rows, coalition_id, user_id) == parsed.good
        db.session.flush()
        after = _stored_names(kind, coalition_id)
        assert len(after) == len(before) + parsed.good
        assert sorted(before + [r.values["name"] for r in parsed.rows if r.ok]) == after
        savepoint.rollback()
        event(f"{kind}: {'well-formed' if file.well_formed else 'broken'}, {min(parsed.good, 2)} ready")


# ---- examples ------------------------------------------------------------------------------------


def _members(text: str) -> imports.ParsedFile:
    return imports.csv_rows(text, imports.MEMBERS)


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"])
def test_every_line_end_is_read(app, end):
    with app.test_request_context():
        parsed = _members(end.join(["name,country", "Acme,GB", "", "Beta,ZM", ""]))
    assert [(r.line, r.values["name"], r.errors) for r in parsed.rows] == [(2, "Acme", []), (4, "Beta", [])]


def test_an_unclosed_quotation_mark_is_reported_on_its_row_and_the_next_rows_are_read(app):
    with app.test_request_context():
        parsed = _members('name,country\n"Acme,GB\nBeta,GB\nGamma,"GB\n')
    assert [(r.line, r.values["name"], bool(r.errors)) for r in parsed.rows] == [
        (2, "", True),
        (3, "Beta", False),
        (4, "", True),
    ]
    assert "quotation marks in this row do not pair up" in parsed.rows[0].errors[0]


def test_the_delimiter_is_the_one_that_names_the_columns(app):
    with app.test_request_context():
        semicolons = _members("Name;Country;Contact name\nAcme, Ltd;GB;Ann\n")
        tabs = _members("name\tcountry\nAcme; Ltd\tGB\n")
    assert semicolons.rows[0].values["name"] == "Acme, Ltd"
    assert semicolons.rows[0].values["contact_name"] == "Ann"
    assert tabs.rows[0].values["name"] == "Acme; Ltd"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        (" \r\n\r\n", "The file is empty"),
        ("name,country\r\n,\r\n", "There are no rows below the column names"),
        ("name,country,Name\nA,GB,B\n", "names these columns more than once: name"),
        ("name,country\nA\x00,GB\n", "not a text file"),
        ("country\nGB\n", "Missing: name"),
        ('"name,country\nA,GB\n', "The first row, with the column names, cannot be read"),
    ],
)
def test_an_unusable_file_says_why(app, text, message):
    with app.test_request_context(), pytest.raises(imports.ImportFileError, match=message):
        _members(text)


def test_a_value_under_a_column_without_a_name_or_far_too_long_is_a_reason(app):
    with app.test_request_context():
        parsed = _members(f"name,,country\nAcme,x,GB\nBeta,,GB\nGamma,{'x' * 200_000},GB\nDelta,,GB\n")
    assert [r.line for r in parsed.rows] == [2, 3, 4, 5]
    assert parsed.rows[0].errors == ["Column 2 has no name in the first row, but this row has a value there"]
    assert parsed.rows[1].errors == [] and parsed.rows[3].errors == []
    assert parsed.rows[2].errors == ["A value in this row is far too long"]
