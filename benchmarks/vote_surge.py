"""Vote surge: voters casting their ballots through their e-mailed links, against a bare baseline.

    .venv/bin/python benchmarks/vote_surge.py [--seconds 15] [--voters 20000] [--workers 4]

Starts a throwaway PostgreSQL (``fsync`` on, as in production; ``--no-fsync`` for the tests'
settings) and Redis, migrates, and seeds one published assembly whose vote on three demands is open,
with N confirmed registrations (SQL, ``generate_series``). Each registration's vote link token is
computed as the demands package does (``services.vote_token``) under the benchmark's SECRET_KEY.
Then, for each of two apps under the same gunicorn settings (``benchmarks/_shape.py``):

* **baseline**: a minimal Flask app whose endpoint, at the same path, reads the same form and
  inserts three rows (token, demand, choice) into a table of the same database in one transaction.
* **ours**: ``organiser:create_app()`` with Redis, as the Procfile runs it. ``wrk`` POSTs ballots to
  ``/assemblies/<slug>/vote/<token>`` (fields ``demand-<id>`` = for/against/abstain; no CSRF token:
  the page has no session), each request a different registration's token, each voter once. Then
  a second pass re-votes (with other choices) through the links of half of those who voted: the
  "already voted" path, which must change nothing.

Each gets 3 s of warm-up first (its own voters, not measured). Prints ballots accepted per second
(200 with the page saying the vote is recorded), p50/p99, and the ratio ours/baseline. Then checks
the database: one vote per registration and demand (no duplicate), no ballot recorded in part, each
vote the first pass's choice, every accepted ballot there (none lost) and none recorded beyond the
requests in flight when wrk stopped; the second pass recorded nothing. Exit status 1 if not.
"""
# ruff: noqa: E402 (the repository root goes on sys.path before the project is imported)

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._shape import (
    SECRET,
    DiscardingSMTP,
    DurablePostgres,
    add_gunicorn_arguments,
    describe_gunicorn,
    dsn,
    figures,
    gunicorn,
    stop,
    wrk,
)
from tests.services import PostgresServer, RedisServer, free_port

SLUG = "vote-surge"
WARM_SECONDS = 3
RECORDED = "your vote is recorded"  # "Thank you: your vote is recorded." (the view's notice)
ALREADY = "recorded already"  # "Your vote was recorded already: it stays as it was."

VOTE_LUA = r"""
-- One ballot per request: the next of this thread's tokens (threads take every n-th line of the
-- file), choices for, against, abstain turned by the voter's index and VOTE_SHIFT.
local threads = {}
local choices = {"for", "against", "abstain"}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  tokens, indexes, demands = {}, {}, {}
  for line in io.lines(os.getenv("VOTE_TOKENS")) do
    local i, token = line:match("^(%d+) (%S+)$")
    indexes[#indexes + 1] = tonumber(i)
    tokens[#tokens + 1] = token
  end
  for id in os.getenv("VOTE_DEMANDS"):gmatch("%d+") do demands[#demands + 1] = id end
  step, shift = tonumber(os.getenv("VOTE_THREADS")), tonumber(os.getenv("VOTE_SHIFT"))
  path = os.getenv("VOTE_PATH")
  next_one, wrapped, recorded, already = tid, 0, 0, 0
end

function request()
  if next_one > #tokens then
    next_one, wrapped = (next_one - 1) % #tokens + 1, wrapped + 1
  end
  local n = next_one
  next_one = next_one + step
  local fields = {}
  for k, id in ipairs(demands) do
    fields[k] = "demand-" .. id .. "=" .. choices[(indexes[n] + k - 1 + shift) % 3 + 1]
  end
  return wrk.format("POST", path .. tokens[n], {
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, table.concat(fields, "&"))
end

function response(status, headers, body)
  if status == 200 then
    if body:find("your vote is recorded", 1, true) then recorded = recorded + 1
    elseif body:find("recorded already", 1, true) then already = already + 1 end
  end
end

function done(summary, latency, requests)
  local totals = {recorded = 0, already = 0, wrapped = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  io.write(string.format("ACCEPTED %d\nALREADY %d\nWRAPPED %d\n", totals.recorded, totals.already,
    totals.wrapped))
  io.write(string.format("SOCKET_ERRORS %d\n", summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def baseline_app():  # noqa: ANN201 (gunicorn's factory: benchmarks.vote_surge:baseline_app())
    """The yardstick: read the ballot, insert its three rows in one transaction. Nothing else."""
    from flask import Flask, request
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, func, insert

    app = Flask("baseline")
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=2)
    rows = Table(
        "baseline_votes",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("token", String(200)),
        Column("demand_id", Integer),
        Column("choice", String(10)),
        Column("cast_at", DateTime(timezone=True), server_default=func.now()),
    )

    @app.post("/assemblies/<slug>/vote/<token>")
    def vote(slug: str, token: str) -> str:
        ballot = [
            {"token": token, "demand_id": int(name.removeprefix("demand-")), "choice": value}
            for name, value in request.form.items()
            if name.startswith("demand-")
        ]
        with engine.begin() as conn:
            conn.execute(insert(rows), ballot)
        return "<p>Thank you: your vote is recorded.</p>"

    return app


SEED = """
INSERT INTO people (tree_id, email, name, postcode, region, country, language, created_at)
SELECT :coalition, 'voter' || i || '@example.org', 'Voter ' || i, '', 'Lusaka', 'ZM', 'en', now()
FROM generate_series(1, :n) AS i;
INSERT INTO assembly_registrations (assembly_id, person_id, name, email, region, country, language,
    access_needs, needs, answers, consent_coalition, ip, status, confirmation_sends, created_at, confirmed_at)
SELECT :assembly, id, name, email, region, country, 'en', '', '{}', '{}', false, '', 'confirmed', 1,
    now(), now()
FROM people WHERE tree_id = :coalition ORDER BY id;
CREATE TABLE baseline_votes (id serial PRIMARY KEY, token varchar(200), demand_id int, choice varchar(10),
    cast_at timestamptz DEFAULT now());
"""


def prepare(database_url: str, mail_port: int, voters: int) -> tuple[list[int], list[tuple[int, str]]]:
    """Migrate and seed; the demands' ids, and each registration's id and vote token (in order)."""
    from datetime import timedelta

    from sqlalchemy import select, text

    from organiser import create_app
    from organiser.assemblies.demands import services
    from organiser.assemblies.demands.models import Demand, Voting
    from organiser.assemblies.models import Assembly, AssemblyStatus, Registration
    from organiser.coalitions.models import Coalition
    from organiser.db import db, utcnow
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
        coalition = Coalition(name="Vote Alliance", slug="vote-alliance", country="ZM", languages=["en"])
        db.session.add(coalition)
        db.session.flush()
        starts = utcnow() + timedelta(days=1)
        assembly = Assembly(
            coalition_id=coalition.id, title="Vote surge assembly", slug=SLUG, starts_at=starts,
            ends_at=starts + timedelta(hours=6), timezone="Africa/Lusaka", capacity=voters,
            status=AssemblyStatus.PUBLISHED, published_at=utcnow(), languages=["en"],
        )  # fmt: skip
        db.session.add(assembly)
        db.session.flush()
        for position, what in enumerate(("Fund public health", "Jobs for the young", "Cancel the debt")):
            db.session.add(Demand(assembly_id=assembly.id, position=position, text=what, addressed_to="IMF"))
        db.session.add(Voting(assembly_id=assembly.id, opened_at=utcnow()))
        params = {"coalition": coalition.id, "assembly": assembly.id, "n": voters}
        for statement in filter(str.strip, SEED.split(";\n")):
            db.session.execute(text(statement), params)
        db.session.commit()
        demands = [d.id for d in services.demands_of(assembly)]
        ids = db.session.scalars(
            select(Registration.id).where(Registration.assembly_id == assembly.id).order_by(Registration.id)
        )
        tokens = [(rid, services.vote_token(Registration(id=rid))) for rid in ids]
    app.extensions["organiser.engine"].dispose()
    return demands, tokens


def write_tokens(path: Path, tokens: list[tuple[int, str]], index: dict[int, int]) -> Path:
    """One "<voter's index> <token>" a line: the script turns the choices by the index."""
    path.write_text("".join(f"{index[rid]} {token}\n" for rid, token in tokens))
    return path


def run(url: str, seconds: int, args: argparse.Namespace, script: Path, tokens: Path, env: dict[str, str]):  # noqa: ANN201
    out = wrk(
        url, seconds, 2, args.connections, script, "", {**env, "VOTE_TOKENS": str(tokens)}
    ).communicate()[0]
    found = figures(out)
    for name in ("ALREADY", "WRAPPED"):
        found[name.lower()] = re.search(rf"{name} (\d+)", out).group(1)
    return found


def votes(database_url: str) -> list[tuple[int, int, str]]:
    import psycopg

    with psycopg.connect(dsn(database_url)) as conn:
        return conn.execute("SELECT registration_id, demand_id, choice FROM demand_votes").fetchall()


def baseline_rows(database_url: str) -> int:
    import psycopg

    with psycopg.connect(dsn(database_url)) as conn:
        return conn.execute("SELECT count(*) FROM baseline_votes").fetchone()[0]


def check(rows: list[tuple[int, int, str]], demands: list[int], index: dict[int, int]) -> dict[str, int]:
    """Duplicates, ballots recorded in part, votes that are not the first pass's choice, and voters."""
    choices = ("for", "against", "abstain")
    pairs = {(rid, did) for rid, did, _ in rows}
    per_voter: dict[int, int] = {}
    for rid, _, _ in rows:
        per_voter[rid] = per_voter.get(rid, 0) + 1
    wrong = sum(choice != choices[(index[rid] + demands.index(did)) % 3] for rid, did, choice in rows)
    return {
        "duplicates": len(rows) - len(pairs),
        "partial": sum(count != len(demands) for count in per_voter.values()),
        "wrong": wrong,
        "voters": len(per_voter),
    }


def line(name: str, f: dict[str, str], extra: str, rate: str = "per_second") -> str:
    return (
        f"{name:<9} {float(f[rate]):>6.0f} votes/s   p50 {f['p50']:>8}   p99 {f['p99']:>8}   "
        f"accepted {f['accepted']}, {extra}non-2xx {f['non2xx']}, socket errors {f['socket_errors']}"
    )


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15, help="measured seconds of each pass")
    parser.add_argument("--voters", type=int, default=20000, help="confirmed registrations seeded")
    parser.add_argument("--warm-voters", type=int, default=3000, help="of them, those the warm-ups use")
    parser.add_argument("--connections", type=int, default=16, help="concurrent voters (wrk connections)")
    parser.add_argument("--no-fsync", action="store_true", help="PostgreSQL as in the tests (fsync off)")
    add_gunicorn_arguments(parser)
    return parser.parse_args()


def main() -> int:  # noqa: PLR0915 (one benchmark, told in order)
    args = parse()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="organiser-vote-"))
    script = workdir / "vote.lua"
    script.write_text(VOTE_LUA)
    postgres = (PostgresServer() if args.no_fsync else DurablePostgres()).start()
    redis, smtp = RedisServer().start(), DiscardingSMTP()
    smtp.controller.start()
    procs = []
    try:
        url = postgres.create_database("organiser_votes")
        started = time.monotonic()
        demands, tokens = prepare(url, smtp.port, args.voters)
        index = {rid: i for i, (rid, _) in enumerate(tokens)}
        warm_tokens = write_tokens(workdir / "warm.txt", tokens[: args.warm_voters], index)
        main_tokens = write_tokens(workdir / "main.txt", tokens[args.warm_voters :], index)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": redis.url,
            "SECRET_KEY": SECRET,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp.port),
        }
        for key in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
            env.pop(key, None)
        lua = {"VOTE_DEMANDS": ",".join(map(str, demands)), "VOTE_THREADS": "2", "VOTE_SHIFT": "0"}
        lua["VOTE_PATH"] = f"/assemblies/{SLUG}/vote/"
        print(
            f"vote surge: {describe_gunicorn(args)}, PostgreSQL (fsync {'off' if args.no_fsync else 'on'}), "
            f"Redis; {args.voters} voters, 3 demands, seeded in {time.monotonic() - started:.1f}s; "
            f"wrk 2 threads x {args.connections} connections; {args.seconds}s measured per pass "
            f"after {WARM_SECONDS}s warm-up"
        )
        results = {}
        for name, target in (
            ("baseline", "benchmarks.vote_surge:baseline_app()"),
            ("ours", "organiser:create_app()"),
        ):
            port = free_port()
            proc = gunicorn(target, port, args, env, workdir / f"{name}.log")
            procs.append(proc)
            base = f"http://127.0.0.1:{port}"
            warm = run(base, WARM_SECONDS, args, script, warm_tokens, lua)
            results[name] = run(base, args.seconds, args, script, main_tokens, lua)
            results[name]["warm"] = warm["accepted"]
            if name == "ours":
                time.sleep(0.5)  # the requests in flight when wrk stopped finish
                first = votes(url)
                share = set(sorted({rid for rid, _, _ in first})[::2])
                again = [(rid, token) for rid, token in tokens if rid in share]
                revote = write_tokens(workdir / "again.txt", again, index)
                results["again"] = run(base, args.seconds, args, script, revote, {**lua, "VOTE_SHIFT": "1"})
            stop(proc)
        return report(args, results, url, demands, index, first)
    finally:
        for proc in reversed(procs):
            stop(proc)
        redis.stop()
        postgres.stop()
        smtp.controller.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def report(
    args: argparse.Namespace,
    results: dict[str, dict[str, str]],
    url: str,
    demands: list[int],
    index: dict[int, int],
    first: list[tuple[int, int, str]],
) -> int:
    base, ours, again = results["baseline"], results["ours"], results["again"]
    in_flight = 2 * args.connections  # at most one request a connection when each of two runs stopped
    accepted = int(ours["warm"]) + int(ours["accepted"])
    after = votes(url)
    found = check(after, demands, index)
    lost, beyond = max(accepted - found["voters"], 0), max(found["voters"] - accepted, 0)
    rows = baseline_rows(url)
    base_accepted = int(base["warm"]) + int(base["accepted"])
    base_lost = max(len(demands) * base_accepted - rows, 0)
    print(line("baseline", base, f"rows {rows} (3 a ballot), lost {base_lost}, "))
    print(line("ours", ours, f"voters recorded {found['voters']} (warm-up included), lost {lost}, "))
    print(
        line("re-vote", again, f"answered 'already' {again['already']}, ", rate="rps")
        + f"; votes before {len(first)}, after {len(after)}"
    )
    print(
        f"checks: duplicates {found['duplicates']}, ballots recorded in part {found['partial']}, votes not "
        f"the first choice {found['wrong']}, recorded beyond the {in_flight} in flight "
        f"{max(beyond - in_flight, 0)}, re-votes recorded {int(again['accepted']) + len(after) - len(first)}"
    )
    for name, f in (("baseline", base), ("ours", ours)):
        if int(f["wrapped"]):
            print(f"WARNING: {name} ran out of voters ({f['wrapped']} re-used): raise --voters")
    ratio = int(ours["per_second"]) / max(int(base["per_second"]), 1)
    print(f"ratio: {ratio:.2f} (ours/baseline)")
    failed = (
        lost
        or base_lost
        or beyond > in_flight
        or found["duplicates"]
        or found["partial"]
        or found["wrong"]
        or len(after) != len(first)
        or int(again["accepted"])
        or int(again["already"]) == 0
    )
    print("checks " + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
