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

The writes (``--signatures 10000``; 0 skips them): a Redis is started too, and an app with it (the
production path: the sign intake). N signatures are recorded through the Record Signature Helper
(``POST /api/v1/petitions/<id>/record_signature_helper`` with the key, a unique address each), and N
through the public sign form (``POST /petitions/<slug>/sign``) on a second open petition, in the same
run, with the form's per-IP limits raised out of the way (every request comes from one address here).
Each is timed as its requests (each one hands its signature to the intake: the answer is a 202 or
the "check your e-mail" page), then as the intake's batches writing them and sending their
confirmation e-mails (``intake.write_batch``, here in this process, to a local SMTP server that
keeps them). Prints both rates, their ratio, and checks every signature was written once.
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


def prepare_writes(url: str, redis_url: str, mail_port: int) -> tuple[object, str, int, str]:
    """An app with Redis (the intake) on the same database, two open petitions and a key."""
    from organiser import create_app
    from organiser.actions.petitions.models import Petition, PetitionStatus
    from organiser.api.keys import create_key
    from organiser.coalitions.models import Coalition
    from organiser.db import db, utcnow
    from organiser.migrate import upgrade

    unlimited = "1000000 per minute"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "EMBEDDED": False,
            "REDIS_URL": redis_url,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": mail_port,
            "MAIL_DEFAULT_SENDER": "Organiser <no-reply@organiser.test>",
            "RATELIMIT_STORAGE_URI": "memory://",
            "API_RATE_LIMIT": unlimited,
            "SIGN_RATE_LIMIT": unlimited,
            "SIGN_IP_LIMIT": unlimited,
            "SIGN_DOMAIN_LIMIT": unlimited,
            "PUBLIC_MICROCACHE_SECONDS": 1,
        }
    )
    with app.app_context():
        upgrade(app)
        chapter = Coalition(name="FIA Zambia", slug="fia-zambia", country="ZM", languages=["en"])
        db.session.add(chapter)
        db.session.flush()
        petitions = [
            Petition(
                coalition_id=chapter.id,
                title=title,
                slug=slug,
                ask="Land for those who farm it.",
                status=PetitionStatus.OPEN,
                opened_at=utcnow(),
            )
            for title, slug in (
                ("Through the API", "through-the-api"),
                ("Through the form", "through-the-form"),
            )
        ]
        db.session.add_all(petitions)
        _key, token = create_key(chapter, "benchmark CRM")
        db.session.commit()
        return app, token, petitions[0].id, petitions[1].slug


def _drain(app: object) -> float:
    """Write what waits in the intake, batch after batch, as its job does: the seconds it took."""
    from organiser.actions.petitions import intake
    from organiser.jobs import redis_connection

    with app.app_context():  # type: ignore[attr-defined]
        conn = redis_connection()
        started = time.perf_counter()
        while entries := conn.lrange(intake.INTAKE_LIST, 0, intake.batch_size() - 1):
            intake.write_batch(entries, taken_from_intake=True)
        return time.perf_counter() - started


def _signatures_of(app: object, petition_id: int | None = None, slug: str = "") -> tuple[int, int]:
    """(signatures, distinct people) of one petition."""
    from sqlalchemy import func, select

    from organiser.actions.petitions.models import Petition, Signature
    from organiser.db import db

    with app.app_context():  # type: ignore[attr-defined]
        if petition_id is None:
            petition_id = db.session.scalar(select(Petition.id).where(Petition.slug == slug))
        return db.session.execute(
            select(func.count(), func.count(func.distinct(Signature.person_id))).where(
                Signature.petition_id == petition_id
            )
        ).one()


def record_signatures(app: object, token: str, petition_id: int, slug: str, n: int) -> dict[str, float]:
    """N signatures through the helper, then N through the public form: (requests, writing) seconds."""
    client = app.test_client()  # type: ignore[attr-defined]
    helper, headers = f"/api/v1/petitions/{petition_id}/record_signature_helper", {"OSDI-API-Token": token}
    times: dict[str, float] = {}
    started = time.perf_counter()
    for i in range(n):
        body = {
            "person": {
                "given_name": "Signer",
                "family_name": str(i),
                "email_addresses": [{"address": f"api.signer{i}@example.org"}],
                "postal_addresses": [{"postal_code": "10101", "country": "ZM"}],
            }
        }
        answer = client.post(helper, json=body, headers=headers)
        assert answer.status_code == 202, (answer.status_code, answer.get_data(as_text=True))
    times["helper requests"] = time.perf_counter() - started
    times["helper writing"] = _drain(app)
    started = time.perf_counter()
    for i in range(n):
        form = {
            "name": f"Signer {i}",
            "email": f"form.signer{i}@example.org",
            "region": "10101",
            "country": "ZM",
        }
        answer = client.post(f"/petitions/{slug}/sign", data=form)
        assert answer.status_code == 200, answer.status_code
    times["form requests"] = time.perf_counter() - started
    times["form writing"] = _drain(app)
    for found in (_signatures_of(app, petition_id), _signatures_of(app, slug=slug)):
        assert found == (n, n), f"signatures written, people: {found}, expected {n} each"
    return times


def run_writes(postgres: object, n: int) -> None:
    import logging

    from tests.services import RedisServer, SMTPCapture

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the SMTP server's line per command

    redis, smtp = RedisServer().start(), SMTPCapture().start()
    try:
        url = postgres.create_database("organiser_api_writes")  # type: ignore[attr-defined]
        app, token, petition_id, slug = prepare_writes(url, redis.url, smtp.port)
        times = record_signatures(app, token, petition_id, slug, n)
        print(f"API writes, PostgreSQL and Redis (the sign intake), {n:,} signatures each way")
        for way in ("helper", "form"):
            requests, writing = times[f"{way} requests"], times[f"{way} writing"]
            print(
                f"  {'Record Signature Helper' if way == 'helper' else 'public sign form':24}: requests "
                f"{n / requests:,.0f}/s ({requests:.2f} s); intake batches writing them and their "
                f"e-mails {n / writing:,.0f}/s ({writing:.2f} s); "
                f"end to end {n / (requests + writing):,.0f}/s"
            )
        ratio = times["form requests"] / times["helper requests"]
        print(f"  ratio (helper / form, requests per second): {ratio:.3f}; every signature written once")
        app.extensions["organiser.engine"].dispose()  # type: ignore[attr-defined]
    finally:
        smtp.stop()
        redis.stop()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--signatures", type=int, default=10_000, help="through the helper (0: no writes)")
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
        if args.signatures:
            run_writes(postgres, args.signatures)
    finally:
        postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
