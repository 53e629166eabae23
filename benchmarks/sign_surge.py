"""Sign surge: concurrent signers through the real public form, against a bare one-INSERT baseline.

    .venv/bin/python benchmarks/sign_surge.py [--seconds 15] [--workers 4] [--worker-class sync]

Starts a throwaway PostgreSQL and Redis (as the tests do), migrates, creates one open petition,
then for each of two apps, under the same gunicorn settings:

* **ours**: ``organiser:create_app()`` with Redis (rate limits, the sign intake, RQ) and one
  ``organiser worker`` (its intake job writes the signatures and sends their confirmation e-mails
  over SMTP to a server in this process that accepts and keeps nothing: a deployment refuses the
  local outbox). ``wrk`` POSTs
  form-encoded sign requests to ``/petitions/surge/sign`` (unique e-mail per request, three in four
  at big webmail domains, one in four at a domain of its own so the per-domain limit is
  checked; a unique ``X-Forwarded-For`` per request, trusted with ``ORGANISER_TRUSTED_PROXIES=1``,
  so the per-IP limits are checked but not hit), while a second ``wrk`` reads ``count.json``.
* **baseline**: a minimal Flask app whose endpoint reads the same form and inserts one row into a
  table of the same PostgreSQL database (SQLAlchemy Core, one transaction), driven by the same
  script.

Each gets a warm-up of 3 s (not measured). Prints signatures accepted per second (2xx), p50/p99
latency, count.json reads per second, and ``lost``: accepted responses minus the rows found in the
database for the measured run, counted once the intake is empty (must be 0), plus duplicates
(must be 0). Exits 1 if anything was lost or duplicated.
"""
# ruff: noqa: E402 (the repository root goes on sys.path before the project is imported)

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._shape import (
    SECRET,
    DiscardingSMTP,
    add_gunicorn_arguments,
    describe_gunicorn,
    figures,
    gunicorn,
    start,
    stop,
    wrk,
)
from tests.services import PostgresServer, RedisServer, free_port

SLUG = "surge"


SIGN_LUA = r"""
-- One sign request per call: a unique e-mail (thread id + counter) and a unique client IP.
local counter, thread_id = 0, 0
local prefix = os.getenv("SURGE_PREFIX") or "s"
local webmail = {"gmail.com", "outlook.com", "yahoo.com"}
local accepted = 0

function setup(thread)
  thread_id = (thread_id or 0) + 1
  thread:set("tid", thread_id)
end

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local n = counter
  local domain
  if n % 4 == 0 then domain = "org" .. tid .. "x" .. n .. ".example" else domain = webmail[n % 3 + 1] end
  local email = prefix .. tid .. "x" .. n .. "@" .. domain
  local ip = "10." .. tid .. "." .. math.floor(n / 256) % 256 .. "." .. n % 256
  local body = "name=Surge+Signer+" .. n .. "&email=" .. email .. "&region=Leeds&country=GB" ..
    "&public_name=y&consent_coalition=y&source=bench"
  return wrk.format("POST", wrk.path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = ip,
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("ACCEPTED %d\n", summary.requests - summary.errors.status))
  io.write(string.format("SOCKET_ERRORS %d\n", summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def baseline_app():  # noqa: ANN201 (gunicorn's factory: benchmarks.sign_surge:baseline_app())
    """The yardstick: read the form, insert one row, commit. Nothing else."""
    from flask import Flask, request
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, func, insert

    app = Flask("baseline")
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=2)
    rows = Table(
        "baseline_signatures",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(200)),
        Column("email", String(320), unique=True),
        Column("created_at", DateTime(timezone=True), server_default=func.now()),
    )

    @app.post("/sign")
    def sign() -> str:
        with engine.begin() as conn:
            conn.execute(insert(rows).values(name=request.form["name"], email=request.form["email"]))
        return "<p>Check your e-mail</p>"

    return app


def prepare(database_url: str, mail_port: int) -> None:
    """Migrate, create one coalition with an open petition, and the baseline's table."""
    from sqlalchemy import text

    from organiser import create_app
    from organiser.actions.petitions.models import Petition, PetitionStatus
    from organiser.coalitions.models import Coalition
    from organiser.db import db
    from organiser.migrate import upgrade

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET,
            "EMBEDDED": False,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": mail_port,
        }
    )
    with app.app_context():
        upgrade(app)
        coalition = Coalition(name="Surge Alliance", slug="surge-alliance", country="GB", languages=["en"])
        db.session.add(coalition)
        db.session.flush()
        db.session.add(
            Petition(
                coalition_id=coalition.id, title="Surge", slug=SLUG, ask="Hold.", status=PetitionStatus.OPEN
            )
        )
        db.session.execute(
            text(
                "CREATE TABLE baseline_signatures (id serial PRIMARY KEY, name varchar(200), "
                "email varchar(320) UNIQUE, created_at timestamptz DEFAULT now())"
            )
        )
        db.session.commit()
    app.extensions["organiser.engine"].dispose()


def drive(base: str, path: str, args: argparse.Namespace, script: Path, prefix: str, count: bool):  # noqa: ANN201
    """Warm up, then the measured run (with count.json read alongside when ``count``)."""
    warm = wrk(base + path, 3, 2, args.connections, script, "warm" + prefix)
    warm.communicate()
    reader = None
    if count:
        reader = wrk(f"{base}/petitions/{SLUG}/count.json", args.seconds, 1, 8, None, "")
    signer = wrk(base + path, args.seconds, 2, args.connections, script, prefix)
    out = figures(signer.communicate()[0])
    if reader is not None:
        out["count_rps"] = figures(reader.communicate()[0])["rps"]
    return out


def check_rows(database_url: str, prefix: str, table: str) -> tuple[int, int]:
    """Rows of the measured run, and how many e-mail addresses appear more than once."""
    import psycopg

    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        if table == "ours":
            rows = conn.execute(
                "SELECT count(*), count(*) - count(DISTINCT p.email) FROM signatures s "
                "JOIN people p ON p.id = s.person_id WHERE p.email LIKE %s",
                (prefix + "%",),
            ).fetchone()
        else:
            rows = conn.execute(
                "SELECT count(*), count(*) - count(DISTINCT email) FROM baseline_signatures "
                "WHERE email LIKE %s",
                (prefix + "%",),
            ).fetchone()
    return rows[0], rows[1]


def drain(redis_url: str, database_url: str, args: argparse.Namespace) -> float:
    """Wait until the intake (organiser/actions/petitions/intake.py) is empty and its last batch committed:
    the seconds it took after the load stopped."""
    import psycopg
    from redis import Redis

    from organiser.actions.petitions.intake import INTAKE_LIST

    started, conn = time.monotonic(), Redis.from_url(redis_url)
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    last = -1
    while time.monotonic() - started < 300:
        with psycopg.connect(dsn) as db:
            rows = db.execute("SELECT count(*) FROM signatures").fetchone()[0]
        if not conn.llen(INTAKE_LIST) and rows == last:
            return time.monotonic() - started
        if args.no_rq_worker:
            break
        last = rows
        time.sleep(0.5)
    return time.monotonic() - started


def confirmations_sent(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SELECT count(*) FROM outbox_messages WHERE status = 'sent'").fetchone()[0]


def over_limit(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SELECT count(*) FROM signatures WHERE state = 'over_limit'").fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15)
    add_gunicorn_arguments(parser)
    parser.add_argument("--connections", type=int, default=16, help="concurrent signers (wrk connections)")
    parser.add_argument("--no-rq-worker", action="store_true", help="leave the mail jobs queued in Redis")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="organiser-surge-"))
    script = workdir / "sign.lua"
    script.write_text(SIGN_LUA)
    postgres, redis = PostgresServer().start(), RedisServer().start()
    smtp = DiscardingSMTP()
    smtp.controller.start()
    procs: list[subprocess.Popen[bytes] | None] = []
    try:
        url = postgres.create_database("organiser_surge")
        prepare(url, smtp.port)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": redis.url,
            "SECRET_KEY": SECRET,
            "ORGANISER_TRUSTED_PROXIES": "1",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp.port),
        }
        for key in ("MAIL_USE_TLS", "MAIL_USE_SSL", "ORGANISER_SIGN_IP_LIMIT", "ORGANISER_SIGN_DOMAIN_LIMIT"):
            env.pop(key, None)
        print(
            f"sign surge: {describe_gunicorn(args)}, PostgreSQL, Redis, "
            f"1 RQ worker; wrk 2 threads x {args.connections} connections signing + 1 x 8 reading "
            f"count.json; {args.seconds}s measured after 3s warm-up"
        )

        port = free_port()
        base_proc = gunicorn(
            "benchmarks.sign_surge:baseline_app()", port, args, env, workdir / "baseline.log"
        )
        procs.append(base_proc)
        base = drive(f"http://127.0.0.1:{port}", "/sign", args, script, "runb", count=False)
        stop(base_proc)
        base_rows, base_dupes = check_rows(url, "runb", "baseline")

        port = free_port()
        if not args.no_rq_worker:
            procs.append(start([sys.executable, "-m", "organiser", "worker"], env, workdir / "worker.log"))
        ours_proc = gunicorn("organiser:create_app()", port, args, env, workdir / "app.log")
        procs.append(ours_proc)
        ours = drive(f"http://127.0.0.1:{port}", f"/petitions/{SLUG}/sign", args, script, "runo", count=True)
        drained = drain(redis.url, url, args)
        ours_rows, ours_dupes = check_rows(url, "runo", "ours")

        for name, f, rows, dupes in (
            ("baseline", base, base_rows, base_dupes),
            ("ours", ours, ours_rows, ours_dupes),
        ):
            lost = max(int(f["accepted"]) - rows, 0)
            print(
                f"{name:<9} {f['per_second']:>6} accepted/s   p50 {f['p50']:>8}   p99 {f['p99']:>8}   "
                f"accepted {f['accepted']}, rows {rows}, lost {lost}, duplicates {dupes}, "
                f"non-2xx {f['non2xx']}, socket errors {f['socket_errors']}"
            )
            f["lost"], f["dupes"] = str(lost), str(dupes)
        print(f"count.json while signing: {float(ours['count_rps']):.0f} reads/s")
        print(
            f"intake: every accepted signature written {drained:.1f}s after the surge ended; "
            f"confirmation e-mails sent by then: {confirmations_sent(url)}"
        )
        print(f"signatures marked over a rate limit: {over_limit(url)} (expected 0)")
        ratio = int(ours["per_second"]) / max(int(base["per_second"]), 1)
        verdict = "ok" if int(ours["per_second"]) >= 500 and ratio >= 0.5 else "BELOW TARGET"
        print(f"ratio: {ratio:.2f} (target: >= 500 signatures/s and >= 0.5)  {verdict}")
        failed = any(int(f["lost"]) or int(f["dupes"]) for f in (base, ours))
        return 1 if failed else 0
    finally:
        for proc in reversed(procs):
            stop(proc)
        redis.stop()
        postgres.stop()
        smtp.controller.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
