"""The CSV imports as a coordinator uses them (members and decision-makers): upload a file, read the
checked preview, confirm. Each way a file can go wrong gets a reason on its row (or by the file field)
and never a 500; what is written is exactly the rows shown as ready."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

import pytest
from sqlalchemy import select

from organiser.actions.targets.models import Target
from organiser.coalitions.models import Membership, Organisation
from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, user_with_role
from tests.helpers import csrf_token, sign_in, text_of


@dataclass(frozen=True)
class Import:
    path: str
    header: str
    row: Callable[[str], str]  # a row that can be imported, for a name without commas

    def stored(self) -> dict[str, object]:
        """What the database holds: each imported name with its row."""
        if "members" in self.path:
            query = select(Organisation, Membership).join(Membership)
            return {o.name: m for o, m in db.session.execute(query)}
        return {t.name: t for t in db.session.scalars(select(Target))}


MEMBERS = Import("/coalitions/sia/members/import", "name,country", lambda name: f"{name},GB")
TARGETS = Import(
    "/coalitions/sia/targets/import",
    "name,email",
    lambda name: f"{name},{re.sub(r'[^a-z]+', '.', name.lower()).strip('.')}@example.org",
)
BOTH = pytest.mark.parametrize("kind", [MEMBERS, TARGETS], ids=["members", "targets"])


@pytest.fixture
def coordinator(app):
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "coord@example.org", PASSWORD).status_code == 302
    return client


def upload(client, kind: Import, data: bytes | str, name: str = "file.csv"):
    data = data.encode("utf-8") if isinstance(data, str) else data
    page = client.get(kind.path)
    response = client.post(
        kind.path,
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "file": (io.BytesIO(data), name)},
    )
    assert response.status_code == 200
    return response


def payload_of(preview) -> str:
    html = preview.get_data(as_text=True)
    match = re.search(r'name="payload" type="hidden" value="([^"]*)"', html)
    assert match, "the preview has no confirm button"
    return unescape(match.group(1))


def confirm(client, kind: Import, preview, payload: str | None = None):
    response = client.post(
        kind.path,
        data={
            "csrf_token": csrf_token(preview.get_data(as_text=True)),
            "payload": payload_of(preview) if payload is None else payload,
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    return text_of(response)


def results(preview) -> dict[int, str]:
    """The preview's table: each row number with what it says about the row."""
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>(.*?)</tr>", preview.get_data(as_text=True), re.S)
    return {int(n): " ".join(unescape(re.sub(r"<[^>]+>", " ", cells)).split()) for n, cells in rows}


def stored(app, kind: Import) -> dict[str, object]:
    with app.app_context():
        return kind.stored()


@BOTH
@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_files_with_any_line_end_are_imported(app, coordinator, kind, end):
    names = ["Ann Lee", "=SUM(A1)", "Zoë Ndlovu"]
    text = end.join([kind.header, *(kind.row(n) for n in names), ""])
    preview = upload(coordinator, kind, text)
    assert list(results(preview)) == [2, 3, 4]
    assert all(result.endswith("Ready") for result in results(preview).values())
    assert re.search(r"\b3 [\w-]+ can be imported", text_of(preview))
    assert "imported; 0 rows skipped" in confirm(coordinator, kind, preview)
    assert sorted(stored(app, kind)) == sorted(names), "formulas kept as they are: exports are formula-safe"


@BOTH
def test_an_unclosed_quotation_mark_is_reported_and_the_next_rows_are_still_read(app, coordinator, kind):
    text = "\n".join([kind.header, '"' + kind.row("Acme Trust"), kind.row("Beta Group"), kind.row("Cee")])
    preview = upload(coordinator, kind, text)
    rows = results(preview)
    assert "The quotation marks in this row do not pair up" in rows[2]
    assert rows[3].endswith("Ready") and rows[4].endswith("Ready")
    assert "1 row will be skipped" in text_of(preview)
    assert "imported; 1 rows skipped" in confirm(coordinator, kind, preview)
    assert sorted(stored(app, kind)) == ["Beta Group", "Cee"]


@BOTH
def test_a_quoted_line_break_is_reported_with_the_lines_it_runs_over(app, coordinator, kind):
    text = "\r\n".join([kind.header, '"Acme\r\nTrust"' + kind.row("X")[1:], "", kind.row("Beta")])
    preview = upload(coordinator, kind, text)
    assert "This row runs from line 2 to line 3" in results(preview)[2]
    assert results(preview)[5].endswith("Ready"), "the blank line 4 counts: row numbers are the file's lines"
    confirm(coordinator, kind, preview)
    assert list(stored(app, kind)) == ["Beta"]


def test_an_empty_country_is_a_reason_not_ready(app, coordinator):
    preview = upload(coordinator, MEMBERS, "name,country\nAcme,\nBeta,   \nGamma,gb\n")
    rows = results(preview)
    assert "The country is missing" in rows[2] and "The country is missing" in rows[3]
    assert rows[4] == "Gamma GB Ready"
    assert "1 organisation can be imported. 2 rows will be skipped" in text_of(preview)
    confirm(coordinator, MEMBERS, preview)
    assert list(stored(app, MEMBERS)) == ["Gamma"]


@BOTH
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{header}\n", "There are no rows below the column names"),
        ("{header}\r\n\r\n , \r\n", "There are no rows below the column names"),
        ("", "The file is empty"),
        ("\r\n  \n", "The file is empty"),
        ("{header},Name\nA,B,C\n", "The first row names these columns more than once: name"),
        ("{header}\nAcme\x00,x\n", "This is not a text file"),
        ("\ufeff{header}\n".encode("utf-16"), "This is not a text file"),
    ],
    ids=["header-only", "blank-rows", "empty", "blank", "twice", "nul", "utf-16"],
)
def test_a_file_that_cannot_be_imported_says_why_by_the_file_field(app, coordinator, kind, content, message):
    data = content.format(header=kind.header) if isinstance(content, str) else content
    response = upload(coordinator, kind, data)
    assert text_of(response).startswith("Error:") and message in text_of(response)
    assert stored(app, kind) == {}


def test_every_column_is_held_against_what_the_database_keeps(app, coordinator):
    header = "name,country,region,website,description,contact_name,contact_email"
    ok = ["N" * 200, "GB", "r" * 120, "https://" + "w" * 292, "d" * 2000, "c" * 200, "ok@example.org"]
    rows = [
        ok,
        ["M" * 201, *ok[1:]],
        ["Region", "GB", "r" * 121, *ok[3:]],
        ["Site", "GB", "", "https://" + "w" * 293, *ok[4:]],
        ["Desc", "GB", "", "", "d" * 2001, "", ""],
        ["Contact", "GB", "", "", "", "c" * 201, ""],
    ]
    preview = upload(coordinator, MEMBERS, "\n".join([header, *(",".join(r) for r in rows)]))
    got = results(preview)
    assert got[2].endswith("Ready")
    assert "The name is longer than 200 characters" in got[3]
    assert "The region is longer than 120 characters" in got[4]
    assert "The website is longer than 300 characters" in got[5]
    assert "The description is longer than 2000 characters" in got[6]
    assert "The contact_name is longer than 200 characters" in got[7]
    assert "imported; 5 rows skipped" in confirm(coordinator, MEMBERS, preview)
    with app.app_context():
        [(name, membership)] = MEMBERS.stored().items()
        assert name == "N" * 200 and membership.organisation.description == "d" * 2000
        assert membership.contact_name == "c" * 200 and membership.organisation.region == "r" * 120


def test_decision_makers_columns_are_held_against_what_the_form_and_database_keep(app, coordinator):
    rows = [
        f"{'N' * 200},{'r' * 200},{'b' * 200},{'g' * 120},long@example.org",
        f"Role,{'r' * 201},,,role@example.org",
        f"Body,,{'b' * 201},,body@example.org",
        f"Region,,,{'g' * 121},region@example.org",
        f"{'M' * 201},,,,name@example.org",
    ]
    preview = upload(coordinator, TARGETS, "\n".join(["name,role,body,region,email", *rows]))
    got = results(preview)
    assert got[2].endswith("Ready")
    for line, column, most in [(3, "role", 200), (4, "body", 200), (5, "region", 120), (6, "name", 200)]:
        assert f"The {column} is longer than {most} characters" in got[line]
    confirm(coordinator, TARGETS, preview)
    with app.app_context():
        [target] = TARGETS.stored().values()
        assert (target.name, target.role, target.region) == ("N" * 200, "r" * 200, "g" * 120)


@BOTH
@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x7f", "\x85", "\t"], ids=repr)
def test_a_cell_with_control_characters_is_a_reason_on_its_row(app, coordinator, kind, control):
    text = "\n".join([kind.header, kind.row(f"Acme{control}Trust"), kind.row("Beta")])
    preview = upload(coordinator, kind, text)
    assert "The name has invisible control characters in it" in results(preview)[2]
    assert results(preview)[3].endswith("Ready")
    confirm(coordinator, kind, preview)
    assert list(stored(app, kind)) == ["Beta"]


@BOTH
def test_a_changed_confirmation_is_checked_again(app, coordinator, kind):
    preview = upload(coordinator, kind, f"{kind.header}\n{kind.row('Beta')}\n")
    refused = confirm(coordinator, kind, preview, payload=f"{kind.header}\n{kind.row('Acme')}\x00\n")
    assert "This is not a text file" in refused
    changed = kind.row("Ac\x01me")
    done = confirm(coordinator, kind, preview, payload=f"{kind.header}\n{changed}\n")
    assert re.search(r"\b0 [\w-]+ imported; 1 rows skipped", done)
    assert stored(app, kind) == {}


@BOTH
def test_spreadsheet_habits_are_understood(app, coordinator, kind):
    """A byte-order mark, semicolons (European spreadsheets), tabs, capitalised headers, other columns."""
    header = "\ufeff" + kind.header.replace("name", "Name ").replace(",", ";") + ";Phone"
    row = kind.row("Acme, Ltd").replace("Acme, Ltd,", "Acme, Ltd;") + ";0123"
    preview = upload(coordinator, kind, f"{header}\r\n{row}\r\n")
    assert results(preview)[2].endswith("Ready")
    assert "These columns are not imported: phone." in text_of(preview)
    tab_separated = "\n".join([kind.header, kind.row("Beta")]).replace(",", "\t")
    tabs = upload(coordinator, kind, tab_separated)
    assert results(tabs)[2].endswith("Ready")
    confirm(coordinator, kind, preview)
    confirm(coordinator, kind, tabs)
    assert sorted(stored(app, kind)) == ["Acme, Ltd", "Beta"]


@BOTH
def test_a_row_with_more_values_than_columns_or_blank_required_cells_says_so(app, coordinator, kind):
    extra = kind.row("Acme") + ",Ltd"
    preview = upload(coordinator, kind, f"{kind.header}\n{extra}\n{kind.row('   ')}\n")
    rows = results(preview)
    assert "This row has more values than the first row has columns" in rows[2]
    assert "The name is missing" in rows[3]
    assert "can be imported" in text_of(preview) and "payload" not in preview.get_data(as_text=True)


def test_contact_details_are_checked_and_stored_as_the_preview_shows(app, coordinator):
    header = "name,country,type,role,contact_name,contact_email,website"
    rows = [
        "Acme,gb,Trade union,Chair,Ann,Ann@Example.ORG,https://acme.example",
        "Beta,GB,,,,not-an-address,",
        "Gamma,GB,,,,,acme.example",
    ]
    preview = upload(coordinator, MEMBERS, "\n".join([header, *rows]))
    got = results(preview)
    assert got[2] == "Acme GB Ready"
    assert "“not-an-address” is not an e-mail address" in got[3]
    assert "The website must start with https://" in got[4]
    confirm(coordinator, MEMBERS, preview)
    with app.app_context():
        [membership] = MEMBERS.stored().values()
        assert (membership.role, membership.contact_email, membership.organisation.type) == (
            "chair",
            "ann@example.org",
            "trade_union",
        )


@BOTH
def test_a_file_too_large_to_confirm_is_refused_before_the_preview(app, coordinator, kind, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 8000)
    rows = [kind.row(f"Organisation {'é' * 20} {n}") for n in range(40)]
    response = upload(coordinator, kind, "\n".join([kind.header, *rows]))
    assert "This file is too large to check and import in one go" in text_of(response)
    assert stored(app, kind) == {}
