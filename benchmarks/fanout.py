"""Fan-out benchmark: one mailing to N supporters through W real ``organiser worker`` processes.

It starts its own PostgreSQL, Redis and Postfix ``smtp-sink``, and measures, in one run:

1. end-to-end throughput: from ``mailings.start`` committing to the ledger showing all N rows
   sent (the expansion job runs on the workers too; its time is reported on its own);
2. the raw rate of one ``smtplib`` client sending the same ~3 KB message over one connection to
   the same sink, and our rate as a ratio of it;
3. a worker killed by SIGKILL mid-run, then a replacement that reclaims its rows: the sink's
   dump is counted per recipient to report what was lost and what was sent twice.

Run from the repository root: ``.venv/bin/python benchmarks/fanout.py [--messages N] [--workers W]``.
Exits 1 if a message was lost or more were duplicated than workers were killed.
"""
# ruff: noqa: E402 (the repository root goes on sys.path before the project is imported)

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask
from redis import Redis
from rq import Worker
from sqlalchemy import func, insert, literal, select, text, true
from sqlalchemy.exc import SQLAlchemyError

from organiser import create_app
from organiser.coalitions.models import Coalition
from organiser.core.people import ConsentState, ConsentSubject, Person
from organiser.db import db, utcnow
from organiser.messaging.models import Mailing, MailingStatus, OutboxMessage, OutboxStatus
from organiser.messaging.render import from_header, render_mailing
from organiser.messaging.services import mailings
from organiser.messaging.transport import build_message
from organiser.migrate import upgrade
from organiser.models import metadata
from tests.services import PostgresServer, RedisServer, free_port

SECRET = "benchmark-secret-key-0123456789abcdef"  # noqa: S105
SENDER = "Organiser <no-reply@organiser.test>"
BASE_URL = "http://localhost"
PARAGRAPH = (
    "Youth unemployment, farm subsidies and the price of maize meal are on the agenda of the people's "
    "assembly in Lusaka. Come and testify, or bring a neighbour who has a story to tell.\n\n"
)
BODY = "Dear {{ name }},\n\n" + PARAGRAPH * 6  # about 3 KB once rendered as text + HTML with headers


class Sink:
    """Postfix's smtp-sink on a free port. With ``dump`` it appends every transaction to one file."""

    def __init__(self, workdir: Path, name: str, dump: bool) -> None:
        self.port = free_port()
        self.dir = workdir / name
        self.dir.mkdir()
        self.dump = self.dir / "dump" if dump else None
        self.counters = self.dir / "counters"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Sink:
        cmd = ["/usr/sbin/smtp-sink", "-c"]  # -c: running counters on stdout, read by received()
        if os.geteuid() == 0:
            os.chown(self.dir, *_nobody())  # the sink drops to nobody before it writes its dump
            cmd += ["-u", "nobody"]
        if self.dump is not None:
            cmd += ["-D", str(self.dump)]
        with self.counters.open("wb") as out:
            self.proc = subprocess.Popen([*cmd, f"127.0.0.1:{self.port}", "1000"], stdout=out)
        _wait(lambda: _listening(self.port), 10, "smtp-sink to listen")
        return self

    def received(self) -> int:
        """Messages accepted so far (smtp-sink's own counter)."""
        found = re.findall(rb"mesg=(\d+)", self.counters.read_bytes())
        return int(found[-1]) if found else 0

    def recipients(self) -> Counter[str]:
        """How many messages each envelope recipient got, from the dump's per-message headers."""
        counts: Counter[str] = Counter()
        in_header = False
        assert self.dump is not None
        with self.dump.open("rb") as dump:
            for line in dump:
                if line.startswith(b"X-Client-Addr: "):
                    in_header = True
                elif line.startswith(b"Received: "):
                    in_header = False
                elif in_header and line.startswith(b"X-Rcpt-Args: "):
                    counts[line[13:].strip().strip(b"<>").decode()] += 1
        return counts

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _nobody() -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def _wait(predicate: Callable[[], bool], timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def make_app(database_url: str, redis_url: str) -> Flask:
    """The app against the throwaway database, migrated (the sink is given to the workers only)."""
    app = create_app(
        {
            "TESTING": True,
            "EMBEDDED": False,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "BASE_URL": BASE_URL,
            "MAIL_BACKEND": "smtp",
            "MAIL_DEFAULT_SENDER": SENDER,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    logging.getLogger().setLevel(logging.WARNING)
    with app.app_context(), db.engine.begin() as conn:
        upgrade(app, connection=conn)
    return app


def reset(app: Flask, redis: Redis) -> None:
    """Empty every table and the Redis queues between phases."""
    with app.app_context(), db.engine.begin() as conn:
        names = ", ".join(t.name for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    redis.flushdb()


def seed(app: Flask, n: int) -> tuple[int, bytes]:
    """A coalition, N consenting supporters (bulk inserts) and a draft mailing to all of them.

    Returns the mailing's id and the message its first recipient will get, as bytes.
    """
    with app.app_context():
        coalition = Coalition(name="Fight Inequality Alliance Zambia", slug="fia-zm", languages=["en"])
        db.session.add(coalition)
        db.session.flush()
        now = utcnow()
        people = [
            {"tree_id": coalition.id, "email": f"supporter{i:06d}@example.org", "name": f"Supporter {i}"}
            for i in range(n)
        ]
        db.session.execute(
            insert(Person), [{**p, "postcode": "", "region": "", "created_at": now} for p in people]
        )
        consent = select(Person.id, literal(str(ConsentSubject.COALITION)), literal(coalition.id))
        consent = consent.add_columns(literal("email"), true(), literal(now)).where(
            Person.tree_id == coalition.id
        )
        columns = ["person_id", "subject_type", "subject_id", "channel", "granted", "updated_at"]
        db.session.execute(insert(ConsentState).from_select(columns, consent))
        mailing = Mailing(
            coalition_id=coalition.id,
            subject="People's assembly in Lusaka",
            body_markdown=BODY,
            from_name="Fight Inequality Alliance Zambia",
            segments=[{"kind": "coalition_supporters", "params": {}}],
        )
        db.session.add(mailing)
        db.session.commit()
        first = db.session.scalars(select(Person).order_by(Person.id)).first()
        assert first is not None
        row = OutboxMessage(
            recipient=first.email,
            recipient_name=first.name,
            person_id=first.id,
            sender=from_header(mailing.from_name),
            subject=mailing.subject,
            headers={},
        )
        headers, body_text, body_html = render_mailing(mailing).message_for(row)
        sample = build_message(row, body_text, body_html, headers).as_bytes(policy=SMTP_POLICY)
        return mailing.id, sample


def raw_smtplib_rate(port: int, message: bytes, n: int) -> float:
    """Messages per second from one smtplib client sending ``message`` N times over one connection."""
    conn = smtplib.SMTP("127.0.0.1", port, timeout=30)
    conn.ehlo()
    started = time.perf_counter()
    for i in range(n):
        conn.sendmail("no-reply@organiser.test", [f"raw{i:06d}@example.org"], message)
    elapsed = time.perf_counter() - started
    conn.quit()
    return n / elapsed


class Workers:
    """``organiser worker`` processes, each in its own session so that a kill takes its work horse too."""

    def __init__(self, app: Flask, workdir: Path) -> None:
        self.app, self.workdir = app, workdir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, sink: Sink, **settings: str) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.app.config["SQLALCHEMY_DATABASE_URI"],
            REDIS_URL=self.app.config["REDIS_URL"],
            SECRET_KEY=SECRET,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(sink.port),
            MAIL_DEFAULT_SENDER=SENDER,
            ORGANISER_BASE_URL=BASE_URL,
        )
        env.update({f"ORGANISER_{k.upper()}": v for k, v in settings.items()})
        with (self.workdir / f"worker-{len(self.procs)}.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "organiser", "worker"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc

    def wait_ready(self, redis: Redis, count: int) -> None:
        _wait(lambda: Worker.count(connection=redis) >= count, 60, f"{count} workers to register")

    @staticmethod
    def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def stop_all(self) -> None:
        for proc in self.procs:
            self.stop(proc)
        self.procs.clear()


def ledger(app: Flask) -> dict[str, int]:
    """Outbox rows per status, read in a transaction of its own."""
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        counts = {str(status): n for status, n in rows}
        db.session.rollback()
        return counts


def start_mailing(app: Flask, mailing_id: int) -> float:
    """Start the mailing and commit (which queues its expansion job); returns when that happened."""
    with app.app_context():
        mailings.start(db.session.get(Mailing, mailing_id))
        db.session.commit()
        return time.perf_counter()


def wait_expanded(app: Flask, mailing_id: int, timeout: float) -> float:
    def expanded() -> bool:
        with app.app_context():
            total = db.session.scalar(select(Mailing.recipient_total).where(Mailing.id == mailing_id))
            db.session.rollback()
            return total is not None

    _wait(expanded, timeout, "the mailing's recipients to be frozen", every=0.02)
    return time.perf_counter()


def wait_sent(app: Flask, n: int, timeout: float, until: int | None = None) -> float:
    """Poll the ledger every 0.2 s until ``until`` (default: all N) rows are sent."""
    target = n if until is None else until
    _wait(lambda: ledger(app).get("sent", 0) >= target, timeout, f"{target} rows sent", every=0.2)
    return time.perf_counter()


def throughput(app: Flask, redis: Redis, workers: Workers, sink: Sink, n: int, w: int) -> dict[str, Any]:
    """Phase 1: raw smtplib first, then the mailing end to end through W workers."""
    mailing_id, sample = seed(app, n)
    raw = raw_smtplib_rate(sink.port, sample, max(n, 5000))
    before = sink.received()
    for _ in range(w):
        workers.start(sink)
    workers.wait_ready(redis, w)
    started = start_mailing(app, mailing_id)
    timeout = 120 + n / 20
    expanded = wait_expanded(app, mailing_id, timeout)
    done = wait_sent(app, n, timeout)
    _wait(lambda: sink.received() - before >= n, 10, "the sink's counter to catch up")
    with app.app_context():
        status = db.session.scalar(select(Mailing.status).where(Mailing.id == mailing_id))
    workers.stop_all()
    return {
        "size": len(sample),
        "raw": raw,
        "ours": n / (done - started),
        "elapsed": done - started,
        "expansion": expanded - started,
        "received": sink.received() - before,
        "status": status,
    }


def kill_test(app: Flask, redis: Redis, workers: Workers, sink: Sink, n: int, w: int) -> dict[str, Any]:
    """Phase 2: SIGKILL one worker's process group mid-run, start a replacement, count what arrived."""
    reset(app, redis)
    mailing_id, _sample = seed(app, n)
    victim = workers.start(sink)
    for _ in range(w - 1):
        workers.start(sink)
    workers.wait_ready(redis, w)
    start_mailing(app, mailing_id)
    timeout = 120 + n / 20
    wait_sent(app, n, timeout, until=int(n * 0.4))
    Workers.stop(victim, signal.SIGKILL)
    at_kill = ledger(app)
    time.sleep(2.5)  # the dead worker's claims are now older than the replacement's claim timeout
    workers.start(sink, outbox_claim_timeout="2", sweep_interval="3")
    wait_sent(app, n, timeout)
    _wait(lambda: sink.received() >= n, 10, "the sink's counter to catch up")
    time.sleep(0.5)
    received = sink.recipients()
    expected = {f"supporter{i:06d}@example.org" for i in range(n)}
    with app.app_context():
        status = db.session.scalar(select(Mailing.status).where(Mailing.id == mailing_id))
    workers.stop_all()
    return {
        "killed_at": at_kill.get("sent", 0),
        "in_flight": at_kill.get("sending", 0),
        "lost": len(expected - set(received)),
        "duplicated": sum(c - 1 for c in received.values() if c > 1),
        "strangers": len(set(received) - expected),
        "ledger": ledger(app),
        "status": status,
    }


def _quietly(fn: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except (OSError, subprocess.SubprocessError, SQLAlchemyError) as exc:
            print(f"cleanup: {exc}", file=sys.stderr)

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000, help="recipients of the mailing (N)")
    parser.add_argument("--workers", type=int, default=2, help="organiser worker processes (W)")
    args = parser.parse_args()
    n, w = args.messages, args.workers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup on SIGTERM too
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory(prefix="fanout-") as tmp:
        workdir = Path(tmp)
        pg = PostgresServer()
        stack.callback(_quietly(pg.stop))
        pg.start()
        redis_server = RedisServer()
        stack.callback(_quietly(redis_server.stop))
        redis_server.start()
        sink = Sink(workdir, "sink", dump=False)
        stack.callback(_quietly(sink.stop))
        sink.start()
        counting_sink = Sink(workdir, "counting-sink", dump=True)
        stack.callback(_quietly(counting_sink.stop))
        counting_sink.start()
        app = make_app(pg.create_database("fanout"), redis_server.url)
        stack.callback(_quietly(app.extensions["organiser.engine"].dispose))
        redis = Redis.from_url(redis_server.url)
        workers = Workers(app, workdir)
        stack.callback(_quietly(workers.stop_all))

        print(f"phase 1: {n} messages, {w} workers, plain smtp-sink on port {sink.port}", flush=True)
        speed = throughput(app, redis, workers, sink, n, w)
        print(f"  {speed}", flush=True)
        print(f"phase 2: kill test, smtp-sink dumping to {counting_sink.dump}", flush=True)
        kill = kill_test(app, redis, workers, counting_sink, n, w)
        print(f"  {kill}", flush=True)

    ratio = speed["ours"] / speed["raw"]
    print()
    print(f"fanout: N={n} workers={w} size={speed['size'] / 1024:.1f}KB")
    print(
        f"ours: {speed['ours']:.0f} msg/s end to end ({speed['elapsed']:.1f} s, "
        f"expansion {speed['expansion']:.2f} s; sink received {speed['received']}, mailing {speed['status']})"
    )
    print(f"raw smtplib, one connection: {speed['raw']:.0f} msg/s")
    print(f"ratio: {ratio:.2f} (target >= 0.8){'' if ratio >= 0.8 else '  BELOW TARGET'}")
    print(
        f"kill test: killed 1 worker at {kill['killed_at']} sent; lost {kill['lost']}, "
        f"duplicated {kill['duplicated']} (mailing {kill['status']}, ledger {kill['ledger']})"
    )
    return 1 if kill["lost"] > 0 or kill["duplicated"] > 1 else 0


if __name__ == "__main__":
    sys.exit(main())
