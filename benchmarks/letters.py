"""Letters: 50,000 confirmed letters to 650 decision-makers batched into digests and personal
deliveries, against a bare baseline.

    .venv/bin/python benchmarks/letters.py [--letters 50000] [--targets 650] [--personal 0.4]

Starts a throwaway PostgreSQL in production shape (``fsync``, ``synchronous_commit`` and
``full_page_writes`` on, unlike the tests' server) and Redis (so the delivery jobs are queued, not
run), migrates, and seeds with bulk SQL one open campaign "by region" to 650 decision-makers, and
N writers who each confirmed one letter: a share of them personal, the rest unedited copies.

Measured, once: the batching step as the sweep runs it at the digest's hour (``digests.sweep``):
each target's personal letters released up to the daily cap (rendered, one outbox row each, Reply-To
the writer) and one digest per target of its unedited copies, every letter linked to its outbox row,
committed. Then the baseline: the same number of outbox rows, with the same bodies, INSERTed into a
copy of the outbox table (its unique key included) by one executemany and one commit.

The campaign's daily cap is 25, so that some personal letters wait for the next day. Prints both
times, their ratio, and checks the ledger: one outbox row per released personal letter
and one digest per target, every unedited letter in its digest. Exits 1 if the check fails or the
batching took 60 s or more.
"""
# ruff: noqa: E402 (the repository root goes on sys.path before the project is imported)

from __future__ import annotations

import argparse
import contextlib
import logging
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask
from sqlalchemy import MetaData, func, insert, select, text

from organiser import create_app
from organiser.actions.letters.models import Letter, LetterCampaign, LetterKind, LetterStatus
from organiser.actions.letters.services import digests
from organiser.actions.targets.models import Target
from organiser.coalitions.models import Coalition
from organiser.db import db, utcnow
from organiser.messaging.models import OutboxMessage
from organiser.migrate import upgrade
from organiser.people.models import Person
from tests.services import PostgresServer, RedisServer

SECRET = "benchmark-secret-key-0123456789abcdef"  # noqa: S105
LIMIT = 60.0
SUGGESTED = (
    "I am writing to ask you to introduce an essentials guarantee, so that Universal Credit always "
    "covers life's essentials, like food and bills. 85% of us are worried about inequality. No one in "
    "this country should have to choose between eating and heating. Please act before the winter."
)
STORY = (
    "Last winter my daughter and I went without heating for six weeks, and the food bank in our town "
    "ran out of nappies twice. I work two jobs and it is still not enough. "
)


class DurablePostgres(PostgresServer):
    """The tests' throwaway server, but durable as in production: fsync, synchronous commits and
    full-page writes on."""

    def start(self) -> DurablePostgres:
        import shutil

        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        initdb = ["-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"]
        self._run(str(self.bindir / "initdb"), *initdb)
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=50"
        log = str(self.dir / "server.log")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-l", log, "start")
        return self


def make_app(database_url: str, redis_url: str) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "EMBEDDED": False,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "BASE_URL": "http://localhost",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_DEFAULT_SENDER": "Organiser <no-reply@organiser.test>",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    logging.getLogger().setLevel(logging.WARNING)
    with app.app_context(), db.engine.begin() as conn:
        upgrade(app, connection=conn)
    return app


def seed(app: Flask, letters: int, targets: int, personal_share: float) -> int:
    """One open campaign by region to ``targets`` decision-makers and ``letters`` writers who each
    confirmed one letter (bulk inserts). Returns the campaign's id."""
    rng = random.Random(14)
    now = utcnow()
    with app.app_context():
        coalition = Coalition(name="Structural Inequalities Alliance", slug="sia", country="GB")
        db.session.add(coalition)
        db.session.flush()
        campaign = LetterCampaign(
            coalition_id=coalition.id,
            title="Guarantee the essentials",
            slug="essentials",
            intro="Universal Credit does not cover life's essentials.",
            subject="Guarantee the essentials",
            body=SUGGESTED,
            target_mode="region",
            status="open",
            opened_at=now,
            timezone="Europe/London",
            daily_cap=25,  # about 31 personal letters a target: some wait for the next day
        )
        db.session.add(campaign)
        db.session.flush()
        conn = db.session.connection()
        conn.execute(
            insert(Target),
            [
                {
                    "coalition_id": coalition.id,
                    "name": f"Member {n}",
                    "role": "MP",
                    "body": "House of Commons",
                    "region": f"Constituency {n}",
                    "email": f"mp{n}@parliament.example",
                    "created_at": now,
                }
                for n in range(targets)
            ],
        )
        target_ids = list(db.session.scalars(select(Target.id).order_by(Target.id)))
        conn.execute(
            insert(Person),
            [
                {
                    "tree_id": coalition.id,
                    "email": f"writer{n}@example.org",
                    "name": f"Writer {n}",
                    "region": "",
                    "created_at": now,
                }
                for n in range(letters)
            ],
        )
        people = list(db.session.scalars(select(Person.id).order_by(Person.id)))
        rows = []
        for n, person_id in enumerate(people):
            personal = rng.random() < personal_share
            target = target_ids[n % len(target_ids)]
            rows.append(
                {
                    "campaign_id": campaign.id,
                    "person_id": person_id,
                    "target_id": target,
                    "name": f"Writer {n}",
                    "region": f"Constituency {target}",
                    "country": "GB",
                    "subject": "Guarantee the essentials",
                    "body": (STORY + SUGGESTED) if personal else SUGGESTED,
                    "consent_coalition": False,
                    "ip": "",
                    "email_domain": "example.org",
                    "status": LetterStatus.CONFIRMED.value,
                    "kind": (LetterKind.PERSONAL if personal else LetterKind.UNEDITED).value,
                    "confirmation_sends": 1,
                    "created_at": now - timedelta(minutes=5),
                    "confirmed_at": now - timedelta(seconds=letters - n),
                }
            )
        conn.execute(insert(Letter), rows)
        campaign.letter_count = letters
        db.session.commit()
        return campaign.id


def analyse(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def batch(app: Flask, campaign_id: int) -> tuple[float, int]:
    """The sweep at the digest's hour: personal letters up to the cap, a digest per target."""
    with app.app_context():
        campaign = db.session.get(LetterCampaign, campaign_id)
        at = digests.next_due(campaign, utcnow()) + timedelta(minutes=1)
        db.session.rollback()
        started = time.perf_counter()
        sent = digests.sweep(at, with_redis=False)
        db.session.commit()
        return time.perf_counter() - started, sent


def check(app: Flask, campaign_id: int, targets: int) -> list[str]:
    problems = []
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(Letter.kind, func.count())
                .where(Letter.campaign_id == campaign_id, Letter.status == LetterStatus.QUEUED)
                .group_by(Letter.kind)
            ).all()
        )
        digest_rows = db.session.scalar(
            select(func.count()).where(OutboxMessage.idempotency_key.startswith(digests.KEY_PREFIX))
        )
        personal_rows = db.session.scalar(
            select(func.count()).where(OutboxMessage.idempotency_key.startswith("letter:"))
        )
        unedited_left = db.session.scalar(
            select(func.count()).where(
                Letter.status == LetterStatus.CONFIRMED, Letter.kind == LetterKind.UNEDITED
            )
        )
        unlinked = db.session.scalar(
            select(func.count()).where(
                Letter.status == LetterStatus.QUEUED, Letter.outbox_message_id.is_(None)
            )
        )
        personal_left = db.session.scalar(
            select(func.count()).where(
                Letter.status == LetterStatus.CONFIRMED, Letter.kind == LetterKind.PERSONAL
            )
        )
    if digest_rows != targets:
        problems.append(f"{digest_rows} digests for {targets} targets")
    if personal_rows != counts.get(LetterKind.PERSONAL, 0):
        problems.append(f"{personal_rows} personal outbox rows for {counts.get(LetterKind.PERSONAL)} letters")
    if unedited_left or unlinked:
        problems.append(f"{unedited_left} unedited letters left out, {unlinked} queued letters unlinked")
    print(
        f"  queued: {counts.get(LetterKind.PERSONAL, 0)} personal (one row each), "
        f"{counts.get(LetterKind.UNEDITED, 0)} unedited in {digest_rows} digests; "
        f"{personal_left} personal over the daily cap wait for the next day",
        flush=True,
    )
    return problems


def baseline(app: Flask) -> tuple[float, int]:
    """The same outbox rows, bodies and all, INSERTed into a copy of the table by one executemany."""
    with app.app_context():
        rows = [
            {k: v for k, v in row._mapping.items() if k != "id"}
            for row in db.session.execute(select(OutboxMessage.__table__))
        ]
        db.session.execute(text("CREATE TABLE outbox_copy (LIKE outbox_messages INCLUDING ALL)"))
        db.session.commit()
        for row in rows:
            row["idempotency_key"] = "copy-" + row["idempotency_key"]
        copy = OutboxMessage.__table__.to_metadata(MetaData(), name="outbox_copy")
        started = time.perf_counter()
        db.session.connection().execute(insert(copy), rows)
        db.session.commit()
        return time.perf_counter() - started, len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=50000)
    parser.add_argument("--targets", type=int, default=650)
    parser.add_argument("--personal", type=float, default=0.4, help="share of personal letters")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        pg, redis_server = DurablePostgres(), RedisServer()
        for service in (pg, redis_server):
            stack.callback(service.stop)
            service.start()
        app = make_app(pg.create_database("letters"), redis_server.url)
        stack.callback(app.extensions["organiser.engine"].dispose)
        print(f"seeding {args.letters} confirmed letters to {args.targets} targets", flush=True)
        campaign_id = seed(app, args.letters, args.targets, args.personal)
        analyse(app)
        took, sent = batch(app, campaign_id)
        print(f"batching: {sent} letters into the outbox in {took:.2f} s", flush=True)
        problems = check(app, campaign_id, args.targets)
        bare, rows = baseline(app)
        print(f"baseline: {rows} outbox rows by one executemany in {bare:.2f} s", flush=True)
        print(f"ratio: {took / bare:.1f}x the bare insert", flush=True)
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    if took >= LIMIT:
        print(f"PROBLEM: the batching took {took:.1f} s (limit {LIMIT:.0f} s)", file=sys.stderr)
    return 1 if problems or took >= LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
