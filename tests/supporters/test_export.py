"""The export of the filtered list: CSV that opens safely in a spreadsheet, logged in the export log,
and streamed — rows are read from a cursor and written out a few hundred at a time, so the memory a
download takes does not grow with the number of people."""

from __future__ import annotations

import csv
import io
import tracemalloc
from urllib.parse import urlencode

from sqlalchemy import insert, select

from organiser.db import db, utcnow
from organiser.people.models import Person
from organiser.privacy.models import DataExport
from tests.helpers import text_of


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_export_holds_the_people_the_filters_match_formula_safe_and_logged(app, tree, as_user):
    with app.app_context():
        db.session.get(Person, tree.people["Chipo Mwale"]).name = '=HYPERLINK("http://x")'
        db.session.commit()
    zambia = as_user("zambia")
    filters = urlencode({"action": f"petition:{tree.petition}"})
    response = zambia.get(f"/coalitions/fia-zambia/supporters.csv?{filters}")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert 'filename="fia-zambia-supporters.csv"' in response.headers["Content-Disposition"]
    header, *rows = _rows(response)
    assert header == ["name", "email", "postcode", "region", "country", "language", "joined_at"]
    assert sorted(r[1] for r in rows) == ["chipo@example.org", "lupita@example.org"]
    assert '\'=HYPERLINK("http://x")' in [r[0] for r in rows], "a formula is made inert"
    with app.app_context():
        logged = db.session.scalar(select(DataExport))
        assert (logged.coalition_id, logged.organisation_id, logged.rows) == (tree.zambia, None, 2)
        assert logged.what == "Supporters of FIA Zambia"


def test_an_organisation_exports_only_its_own_and_the_log_says_so(app, tree, as_user):
    response = as_user("zla").get("/coalitions/fia-zambia/supporters.csv")
    assert [r[1] for r in _rows(response)[1:]] == ["chipo@example.org"]
    with app.app_context():
        logged = db.session.scalar(select(DataExport))
        assert (logged.coalition_id, logged.organisation_id, logged.rows) == (tree.zambia, tree.zla, 1)


def test_filters_that_are_not_valid_download_nothing(app, tree, as_user):
    answer = as_user("zambia").get("/coalitions/fia-zambia/supporters.csv?country=XX", follow_redirects=True)
    assert "Correct the filters first" in text_of(answer)
    with app.app_context():
        assert db.session.scalar(select(DataExport)) is None


ROWS = 20_000


def test_twenty_thousand_rows_are_streamed_in_chunks_with_flat_memory(app, tree, as_user):
    with app.app_context():
        now = utcnow()
        db.session.execute(
            insert(Person),
            [
                {
                    "tree_id": tree.fia,
                    "email": f"p{i:05d}@example.net",
                    "name": f"Person {i}",
                    "created_at": now,
                }
                for i in range(ROWS)
            ],
        )
        db.session.commit()
    response = as_user("alliance").get("/coalitions/fia/supporters.csv?q=example.net")
    assert response.is_streamed
    tracemalloc.start()
    try:
        chunks = lines = 0
        for chunk in response.response:  # the body, as the server sends it
            chunks += 1
            lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    response.close()
    assert lines == ROWS + 1 and chunks >= ROWS // 500
    # The whole file is about 1 MB of text and 20,000 rows of objects far more: a streamed export
    # holds a batch of rows at a time.
    print(f"streamed {ROWS} rows in {chunks} chunks; peak traced memory {peak / 1e6:.1f} MB")
    assert peak < 8_000_000
