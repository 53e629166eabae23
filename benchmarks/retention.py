"""Retention and erasure at scale: ``run_retention`` over N people, then ``erase_person`` on heavy signers.

    .venv/bin/python benchmarks/retention.py [--people 100000] [--petitions 5] [--heavy 5]

A throwaway PostgreSQL (``fsync=off``, as in the tests) seeded with bulk SQL: one coalition keeping
data 12 months, N people who signed petitions closed long ago, one in five with an ongoing consent,
one in five with a letter, one in five with an assembly registration. Times the retention run (commit
included) and checks what it kept and removed, then times ``erase_person`` on people with 51
signatures each (median). Exits 1 if a check fails. See benchmarks/README.md.
"""
# ruff: noqa: E402 (the repository root goes on sys.path before the project is imported)

from __future__ import annotations

import argparse
import logging
import os
import signal
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import PostgresServer, free_port

SECRET = "benchmark-secret-key-0123456789abcdef"  # noqa: S105
NOW = datetime(2026, 11, 1, tzinfo=UTC)
LONG_AGO = datetime(2024, 6, 1, tzinfo=UTC)  # acted, closed and ended then: well past 12 months
HEAVY_PETITIONS = 50

SEED = """
INSERT INTO coalitions (name, slug, country, languages, description, principles, retention_months, created_at)
VALUES ('Retention Alliance', 'retention', 'GB', '["en"]', '', '[]', 12, :ago);
INSERT INTO petitions (coalition_id, title, slug, ask, background, target, goal, status, public_signers,
    signature_count, created_at, closed_at)
SELECT 1, 'Petition ' || n, 'petition-' || n, 'Act.', '', '', 1000, CASE WHEN n <= :petitions THEN 'closed'
    ELSE 'open' END, true, 0, :ago, CASE WHEN n <= :petitions THEN CAST(:ago AS timestamptz) END
FROM generate_series(1, :petitions + :open) AS n;
INSERT INTO letter_campaigns (coalition_id, title, slug, intro, subject, body, target_mode, delivery_mode,
    status, letter_count, created_at, closed_at)
VALUES (1, 'Old letters', 'old-letters', '', 'Act', 'Act.', 'fixed', 'each', 'closed', 0, :ago, :ago);
INSERT INTO assemblies (coalition_id, kind, title, slug, description, starts_at, ends_at, timezone, venue,
    online_url, capacity, languages, accessibility, status, created_at)
VALUES (1, 'peoples_assembly', 'Old assembly', 'old-assembly', '', :ago, :ago, 'Europe/London', '', '', :n,
    '["en"]', '', 'published', :ago);
INSERT INTO people (tree_id, email, name, postcode, region, country, language, created_at)
SELECT 1, 'p' || i || '@example.org', 'Person ' || i, '', 'Region ' || i % 50, 'GB', 'en', :ago
FROM generate_series(1, :n) AS i;
CREATE TEMP TABLE seeded AS SELECT id, split_part(substr(email, 2), '@', 1)::int AS i FROM people;
INSERT INTO consent_states (person_id, subject_type, subject_id, channel, granted, updated_at)
SELECT id, 'coalition', 1, 'email', true, :ago FROM seeded WHERE i % 5 = 0;
INSERT INTO consent_events (person_id, subject_type, subject_id, channel, given, wording, source, created_at)
SELECT id, 'coalition', 1, 'email', true, 'Keep me updated by e-mail.', 'petition:old', :ago
FROM seeded WHERE i % 5 = 0;
INSERT INTO signatures (petition_id, person_id, name, region, country, comment, public_name, source,
    utm_source, utm_medium, utm_campaign, referrer, ip, confirmation_sends, created_at, confirmed_at,
    state, email_domain, consent_coalition)
SELECT 1 + i % :petitions, id, 'Person ' || i, 'Region ' || i % 50, 'GB',
    CASE WHEN i % 7 = 0 THEN 'A comment ' || i ELSE '' END, true, 'web', 'mail', 'email', 'spring',
    'https://example.org/', '10.0.' || i % 250 || '.' || i % 199, 1, :ago, :ago, 'counted',
    'example.org', i % 5 = 0
FROM seeded
UNION ALL  -- the heavy signers: also on every open petition
SELECT :petitions + p, id, 'Person ' || i, 'Region 1', 'GB', '', true, 'web', '', '', '', '', '10.1.1.1', 1,
    :ago, :ago, 'counted', 'example.org', true
FROM seeded, generate_series(1, :open) AS p WHERE i % 10 = 0 AND i <= 10 * :heavy;
INSERT INTO letters (campaign_id, person_id, name, region, country, subject, body, consent_coalition, ip,
    email_domain, status, confirmation_sends, created_at, confirmed_at, sent_at)
SELECT 1, id, 'Person ' || i, 'Region ' || i % 50, 'GB', 'Please act', 'Dear minister, ' || i,
    i % 5 = 0, '10.2.0.1', 'example.org', 'sent', 1, :ago, :ago, :ago
FROM seeded WHERE i % 10 IN (0, 1);
INSERT INTO assembly_registrations (assembly_id, person_id, name, email, region, country, language,
    access_needs, answers, consent_coalition, ip, status, confirmation_sends, created_at, confirmed_at)
SELECT 1, id, 'Person ' || i, 'p' || i || '@example.org', 'Region ' || i % 50, 'GB', 'en',
    'step-free', '{}', i % 5 = 0, '10.3.0.1', 'attended', 1, :ago, :ago
FROM seeded WHERE i % 10 IN (0, 3);
UPDATE petitions SET signature_count = (SELECT count(*) FROM signatures s WHERE s.petition_id = petitions.id);
UPDATE letter_campaigns SET letter_count = (SELECT count(*) FROM letters);
ANALYZE;
"""

# Per table: personal columns, and a fingerprint of the consenting people's rows (IP addresses aside).
TABLES = {
    "signatures": ("name <> '' OR region <> '' OR comment <> ''", "name, region, comment, public_name"),
    "letters": ("name <> '' OR region <> '' OR body <> ''", "name, region, subject, body"),
    "assembly_registrations": ("name <> '' OR email <> '' OR region <> ''", "name, email, region"),
}
CONSENTING = "EXISTS (SELECT 1 FROM consent_states c WHERE c.person_id = t.person_id AND c.granted)"
KEPT = CONSENTING.replace("t.person_id", "t.id")  # on people


def seed(people: int, petitions: int, heavy: int) -> None:
    """Everything in one fresh database, so the coalition, letter campaign and assembly are all id 1."""
    from sqlalchemy import text

    from organiser.db import db

    params = {"n": people, "ago": LONG_AGO, "petitions": petitions, "open": HEAVY_PETITIONS, "heavy": heavy}
    for statement in filter(str.strip, SEED.split(";\n")):
        db.session.execute(text(statement), params)
    db.session.commit()


def scalar(sql: str, **params: object) -> object:
    from sqlalchemy import text

    from organiser.db import db

    return db.session.execute(text(sql), params).scalar()


def snapshot() -> dict[str, object]:
    """Counts, and fingerprints of the consenting people's rows: none may change."""
    found = {
        "counts": scalar("SELECT string_agg(id || ':' || signature_count, ',' ORDER BY id) FROM petitions"),
        "valid": scalar("SELECT count(*) FROM signatures WHERE state IN ('confirmed', 'counted')"),
        "people": scalar(
            "SELECT md5(string_agg(concat_ws('|', id, email, name, region), ',' ORDER BY id)) "  # noqa: S608
            f"FROM people t WHERE {KEPT}"
        ),
    }
    for table, (_personal, columns) in TABLES.items():
        found[table] = scalar(
            f"SELECT md5(string_agg(concat_ws('|', id, person_id, {columns}), ',' ORDER BY id)) "  # noqa: S608
            f"FROM {table} t WHERE {CONSENTING}"
        )
    return found


def leftovers() -> dict[str, object]:
    """Personal data of people without an ongoing consent still held (all must be 0)."""
    found = {
        table: scalar(f"SELECT count(*) FROM {table} t WHERE ({personal}) AND NOT {CONSENTING}")  # noqa: S608
        for table, (personal, _columns) in TABLES.items()
    }
    found["people"] = scalar(
        f"SELECT count(*) FROM people t WHERE NOT {KEPT}"  # noqa: S608
    )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--petitions", type=int, default=5, help="closed petitions the people signed")
    parser.add_argument("--heavy", type=int, default=5, help="people erased, each with 51 signatures")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # alembic's and each run's log lines
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the cluster is removed
    postgres = PostgresServer().start()
    try:
        os.environ.update({"DATABASE_URL": postgres.create_database("retention"), "SECRET_KEY": SECRET})
        # A deployment must name an SMTP server; retention sends nothing, so one that is not there.
        os.environ.update({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(free_port())})
        os.environ.pop("REDIS_URL", None)
        from sqlalchemy import select

        from organiser import create_app
        from organiser.db import db
        from organiser.migrate import upgrade
        from organiser.people.models import Person
        from organiser.privacy import services as privacy
        from organiser.privacy.services import retention

        app = create_app()
        with app.app_context():
            upgrade(app)
            started = time.perf_counter()
            seed(args.people, args.petitions, args.heavy)
            print(
                f"retention: {args.people} people, {args.petitions} closed petitions, a closed letter "
                f"campaign, an ended assembly; seeded in {time.perf_counter() - started:.1f}s"
            )
            before = snapshot()
            removing, remove_orphans = [0.0], retention._remove_orphans

            def timed_remove(tree_id: int) -> int:  # the people's share of the run
                t = time.perf_counter()
                removed = remove_orphans(tree_id)
                removing[0] += time.perf_counter() - t
                return removed

            retention._remove_orphans = timed_remove
            started = time.perf_counter()
            [run] = privacy.run_retention(NOW)
            db.session.commit()
            seconds = time.perf_counter() - started
            retention._remove_orphans = remove_orphans
            rows = sum(run.counts.values())
            done = ", ".join(f"{k} {v}" for k, v in run.counts.items())
            print(
                f"run_retention: {seconds:.2f}s, {rows / seconds:.0f} rows/s; {done} "
                f"(removing people: {removing[0]:.2f}s)"
            )
            started = time.perf_counter()
            [again] = privacy.run_retention(NOW)
            db.session.commit()
            print(
                f"second run, nothing due: {time.perf_counter() - started:.2f}s, "
                f"{sum(again.counts.values())} rows"
            )

            after, left = snapshot(), leftovers()
            failures = [f"{key} changed" for key in before if before[key] != after[key]]
            failures += [
                f"{n} {table} of non-consenting people keep personal data" for table, n in left.items() if n
            ]
            heavy = [f"p{10 * k}@example.org" for k in range(1, args.heavy + 1)]
            timings = []
            for person in db.session.scalars(select(Person).where(Person.email.in_(heavy))).all():
                started = time.perf_counter()
                privacy.erase_person(person, requested_by="benchmark")
                db.session.commit()
                timings.append((time.perf_counter() - started) * 1000)
            named = scalar(
                "SELECT count(*) FROM signatures WHERE petition_id > :closed "
                "AND (person_id IS NOT NULL OR name <> '')",
                closed=args.petitions,
            )
            if named or len(timings) != args.heavy:
                failures.append(f"erasure: {len(timings)} people erased, {named} signatures keep a name")
            if snapshot()["counts"] != before["counts"]:
                failures.append("signature counts changed by erasure")
            median = statistics.median(timings) if timings else 0.0
            print(
                f"erase_person ({1 + HEAVY_PETITIONS} signatures, a letter, a registration, a consent): "
                f"median {median:.0f} ms over {len(timings)} people "
                f"({', '.join(f'{t:.0f}' for t in timings)})"
            )
            for failure in failures:
                print(f"FAILED: {failure}")
            print(
                f"summary: retention of {args.people} people {seconds:.1f}s ({rows / seconds:.0f} rows/s), "
                f"erasure median {median:.0f} ms, checks {'FAILED' if failures else 'ok'}"
            )
            db.session.rollback()
            app.extensions["organiser.engine"].dispose()
        return 1 if failures else 0
    finally:
        postgres.stop()


if __name__ == "__main__":
    sys.exit(main())
