"""The supporters' export, streamed from PostgreSQL: the memory it takes while N people are written out.

    .venv/bin/python benchmarks/supporters_export.py [--rows 200000]

Starts a throwaway PostgreSQL (as the tests do), migrates, puts N people in one alliance with one
``INSERT … SELECT generate_series``, then downloads ``/coalitions/<slug>/supporters.csv`` through the app
as its coordinator, reading the streamed body chunk by chunk as a server would send it. Prints, for the
streamed download: the time, the rows and bytes, the process's resident memory (RSS) above what it was
before, and the peak memory Python allocated while streaming (tracemalloc, in a second run: it slows
things down); then, for comparison, the peak for the same rows loaded whole (what an export built in
memory holds before it sends a byte).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import sign_in  # noqa: E402
from tests.services import PostgresServer, free_port  # noqa: E402

SECRET = "benchmark-secret-key-0123456789"  # noqa: S105
PASSWORD = "correct horse battery staple"  # noqa: S105


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def prepare(url: str, rows: int) -> object:
    from sqlalchemy import text

    from organiser import create_app
    from organiser.coalitions.models import Coalition
    from organiser.core import services
    from organiser.core.models import Role, User
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
            "PASSWORD_HASH_PROFILE": "cheapest",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade(app)
        alliance = Coalition(name="Fight Inequality Alliance", slug="fia", languages=["en"])
        db.session.add(alliance)
        user = User(email="coordinator@fia.example", name="Coordinator")
        user.password_hash = services.hasher().hash(PASSWORD)
        db.session.add(user)
        db.session.flush()
        services.grant_role(user, Role.COALITION_COORDINATOR, alliance.id)
        db.session.execute(
            text(
                "INSERT INTO people (tree_id, email, name, postcode, region, country, language, created_at) "
                "SELECT :tree, 'person' || n || '@example.org', 'Person ' || n, 'LS1 4AP', 'Leeds', 'GB', "
                "'en', now() - (n || ' seconds')::interval FROM generate_series(1, :rows) AS n"
            ),
            {"tree": alliance.id, "rows": rows},
        )
        db.session.commit()
        db.session.execute(text("ANALYZE people"))
        db.session.commit()
    return app


def stream(app: object, *, traced: bool) -> tuple[int, int, float, int, int]:
    """(lines, bytes, seconds, RSS growth, traced peak) of one streamed download."""
    client = app.test_client()  # type: ignore[attr-defined]
    assert sign_in(client, "coordinator@fia.example", PASSWORD).status_code == 302
    before = _rss()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/coalitions/fia/supporters.csv")
    assert response.is_streamed, "the export is streamed"
    lines = size = 0
    highest = before
    for n, chunk in enumerate(response.response):
        data = chunk if isinstance(chunk, bytes) else chunk.encode()
        lines += data.count(b"\n")
        size += len(data)
        if n % 50 == 0:
            highest = max(highest, _rss())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    response.close()
    return lines, size, seconds, max(highest, _rss()) - before, peak


def loaded_whole(app: object) -> int:
    """The traced peak of the same rows read into a list, as an export built in memory holds them."""
    from sqlalchemy import select

    from organiser.db import db
    from organiser.people.models import Person

    with app.app_context():  # type: ignore[attr-defined]
        tracemalloc.start()
        rows = db.session.execute(
            select(Person.name, Person.email, Person.postcode, Person.region, Person.country, Person.language)
        ).all()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del rows
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    postgres = PostgresServer().start()
    try:
        app = prepare(postgres.create_database("organiser_export_bench"), args.rows)
        stream(app, traced=False)  # warm up: imports, templates, the first connection
        lines, size, seconds, rss, _peak = stream(app, traced=False)
        _lines, _size, traced_seconds, _rss_growth, peak = stream(app, traced=True)
        whole = loaded_whole(app)
        print(f"supporters export, PostgreSQL, {args.rows:,} people")
        print(f"  streamed: {lines - 1:,} rows, {size / 1e6:.1f} MB of CSV in {seconds:.1f} s")
        print(f"  resident memory (RSS) above its level before the download: {rss / 1e6:.1f} MB")
        traced = f"tracemalloc, {traced_seconds:.1f} s"
        print(f"  peak Python allocations while streaming ({traced}): {peak / 1e6:.1f} MB")
        print(f"  for comparison, the same rows loaded whole: {whole / 1e6:.1f} MB")
        app.extensions["organiser.engine"].dispose()  # type: ignore[attr-defined]
    finally:
        postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
