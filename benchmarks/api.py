"""The API's reads: 100,000 people read in pages of 100 with a key, against a bare SQL keyset scan.

    .venv/bin/python benchmarks/api.py [--people 100000] [--per-page 100]

Starts a throwaway PostgreSQL (as the tests do), migrates, puts N people in one alliance with one
``INSERT … SELECT generate_series`` (a third of them agreeing to hear from it, for the e-mail status),
creates a key of the alliance and runs ``VACUUM ANALYZE``. Then reads ``/api/v1/people`` through the
app (the WSGI test client: no network) from the first page to the last by following the ``next``
links, as an OSDI client does, and checks it saw every person once. Prints people/s and requests/s,
the same for a bare keyset scan of the same rows over one connection (``SELECT … WHERE tree_id = …
AND id > … ORDER BY id LIMIT 100``), and the ratio of the two. A second API run pages by ``page``
numbers alone (OFFSET), for comparison.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import PostgresServer, free_port  # noqa: E402

SECRET = "benchmark-secret-key-0123456789"  # noqa: S105


def prepare(url: str, people: int) -> tuple[object, str, int]:
    from sqlalchemy import text

    from organiser import create_app
    from organiser.api.keys import create_key
    from organiser.coalitions.models import Coalition
    from organiser.db import db
    from organiser.migrate import upgrade

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "EMBEDDED": False,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": free_port(),
            "RATELIMIT_STORAGE_URI": "memory://",
            "API_RATE_LIMIT": "1000000 per minute",
        }
    )
    with app.app_context():
        upgrade(app)
        alliance = Coalition(name="Fight Inequality Alliance", slug="fia", languages=["en"])
        db.session.add(alliance)
        db.session.flush()
        db.session.execute(
            text(
                "INSERT INTO people (tree_id, email, name, postcode, region, country, language, created_at) "
                "SELECT :tree, 'person' || n || '@example.org', 'Person ' || n, 'LS1 4AP', 'Leeds', 'GB', "
                "'en', now() - (n || ' seconds')::interval FROM generate_series(1, :rows) AS n"
            ),
            {"tree": alliance.id, "rows": people},
        )
        db.session.execute(
            text(
                "INSERT INTO consent_states (person_id, subject_type, subject_id, channel, granted, "
                "updated_at) SELECT id, 'coalition', :tree, 'email', true, now() FROM people WHERE id % 3 = 0"
            ),
            {"tree": alliance.id},
        )
        _key, token = create_key(alliance, "benchmark")
        db.session.commit()
        tree_id = alliance.id
        # As autovacuum would leave a steady table: statistics, and the visibility map that lets the
        # count read the index alone.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return app, token, tree_id


def read_through_api(app: object, token: str, per_page: int, *, by_cursor: bool) -> tuple[int, int, float]:
    """(people, requests, seconds) of reading the whole collection, page after page."""
    client = app.test_client()  # type: ignore[attr-defined]
    headers = {"OSDI-API-Token": token}
    url, seen, requests, page = f"/api/v1/people?per_page={per_page}", set(), 0, 1
    started = time.perf_counter()
    while url:
        body = client.get(url, headers=headers).json
        requests += 1
        seen.update(p["identifiers"][0] for p in body["_embedded"]["osdi:people"])
        if "next" not in body["_links"]:
            break
        page += 1
        next_url = urlsplit(body["_links"]["next"]["href"])
        url = (
            f"{next_url.path}?{next_url.query}"
            if by_cursor
            else f"/api/v1/people?per_page={per_page}&page={page}"
        )
    seconds = time.perf_counter() - started
    assert len(seen) == body["total_records"], (len(seen), body["total_records"])
    return len(seen), requests, seconds


def bare_keyset_scan(app: object, tree_id: int, per_page: int) -> tuple[int, int, float]:
    from sqlalchemy import text

    from organiser.db import db

    query = text(
        "SELECT id, email, name, postcode, region, country, language, created_at FROM people "
        "WHERE tree_id = :tree AND id > :after ORDER BY id LIMIT :n"
    )
    with app.app_context():  # type: ignore[attr-defined]
        connection = db.engine.connect()
        rows = requests = 0
        after = 0
        started = time.perf_counter()
        while True:
            page = connection.execute(query, {"tree": tree_id, "after": after, "n": per_page}).all()
            requests += 1
            if not page:
                break
            rows += len(page)
            after = page[-1][0]
        seconds = time.perf_counter() - started
        connection.close()
    return rows, requests, seconds


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--per-page", type=int, default=100)
    args = parser.parse_args()
    postgres = PostgresServer().start()
    try:
        app, token, tree_id = prepare(postgres.create_database("organiser_api_bench"), args.people)
        read_through_api(app, token, args.per_page, by_cursor=True)  # warm up
        people, requests, seconds = read_through_api(app, token, args.per_page, by_cursor=True)
        rows, scans, bare = bare_keyset_scan(app, tree_id, args.per_page)
        offset_people, offset_requests, offset_seconds = read_through_api(
            app, token, args.per_page, by_cursor=False
        )
        print(f"API reads, PostgreSQL, {args.people:,} people in pages of {args.per_page}")
        print(
            f"  API, following the next links: {people:,} people, {requests:,} requests in {seconds:.2f} s: "
            f"{people / seconds:,.0f} people/s, {requests / seconds:,.0f} requests/s"
        )
        print(
            f"  bare SQL keyset scan: {rows:,} rows, {scans:,} queries in {bare:.2f} s: "
            f"{rows / bare:,.0f} rows/s, {scans / bare:,.0f} queries/s"
        )
        print(f"  ratio (API / bare scan, people per second): {(people / seconds) / (rows / bare):.3f}")
        rate, per_second = offset_people / offset_seconds, offset_requests / offset_seconds
        print(
            f"  API by page numbers alone (OFFSET): {offset_people:,} people in {offset_seconds:.2f} s: "
            f"{rate:,.0f} people/s, {per_second:,.0f} requests/s"
        )
        app.extensions["organiser.engine"].dispose()  # type: ignore[attr-defined]
    finally:
        postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
