"""Fan-out benchmark: one mailing to N supporters through W real ``organiser worker`` processes.

Starts its own PostgreSQL, Redis and two Postfix smtp-sinks, then measures in one run:
1. end to end, from ``mailings.start`` committing (the expansion job runs on the workers too, and
   is timed on its own) to the ledger showing all N rows sent;
2. one smtplib client sending the same ~3 KB message N times over one connection to the same sink;
3. a worker killed by SIGKILL mid-run and a replacement reclaiming its rows, counted per recipient
   in the dump of the second sink: what was lost and what was sent twice.

Run from the repository root: ``.venv/bin/python benchmarks/fanout.py [--messages N] [--workers W]``.
Exits 1 if a message was lost or more than one was duplicated by the kill.
"""
# ruff: noqa: E402 (the repository root goes on sys.path before the project is imported)

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import pwd
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

from organiser import create_app
from organiser.coalitions.models import Coalition
from organiser.db import db, utcnow
from organiser.messaging.models import Mailing, OutboxMessage
from organiser.messaging.render import from_header, render_mailing
from organiser.messaging.services import mailings
from organiser.messaging.transport import build_message
from organiser.migrate import upgrade
from organiser.models import metadata
from organiser.people.models import ConsentState, ConsentSubject, Person
from tests.services import PostgresServer, RedisServer, free_port

SECRET = "benchmark-secret-key-0123456789abcdef"  # noqa: S105
SENDER = "Organiser <no-reply@organiser.test>"
PARAGRAPH = (
    "Youth unemployment, farm subsidies and the price of maize meal are on the agenda of the people's "
    "assembly in Lusaka. Come and testify, or bring a neighbour who has a story to tell.\n\n"
)
BODY = "Dear {{ name }},\n\n" + PARAGRAPH * 4  # about 3 KB with its HTML part and headers
KILL_AT = 0.4  # the share of the mailing sent when a worker is killed
# The replacement's sweep reclaims rows claimed longer ago than this. It must exceed the time a live
# worker takes to send a whole batch (about 2 s here), or the sweep hands out rows that worker is
# still sending and some go out twice with no kill at all.
CLAIM_TIMEOUT, SWEEP_INTERVAL = "5", "3"


class Sink:
    """Postfix's smtp-sink on a free port; with ``dump`` it appends every transaction to a file."""

    def __init__(self, workdir: Path, name: str, dump: bool) -> None:
        self.port, self.dir, self.dump = free_port(), workdir / name, dump
        self.dir.mkdir()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Sink:
        cmd = ["/usr/sbin/smtp-sink", "-c"]  # -c: running counters on stdout, read by received()
        if os.geteuid() == 0:  # it must drop to an unprivileged user, which then writes the dump
            os.chown(self.dir, pwd.getpwnam("nobody").pw_uid, -1)
            cmd += ["-u", "nobody"]
        if self.dump:
            cmd += ["-D", str(self.dir / "dump")]
        with (self.dir / "counters").open("wb") as out:
            self.proc = subprocess.Popen([*cmd, f"127.0.0.1:{self.port}", "1000"], stdout=out)
        _wait(lambda: _listening(self.port), 10, "smtp-sink to listen")
        return self

    def received(self) -> int:
        """Messages accepted so far, by smtp-sink's own counter."""
        if self.proc is None or self.proc.poll() is not None:
            raise RuntimeError(f"smtp-sink on port {self.port} is not running")
        found = re.findall(rb"mesg=(\d+)", (self.dir / "counters").read_bytes())
        return int(found[-1]) if found else 0

    def recipients(self) -> Counter[str]:
        """Messages per envelope recipient: the X-Rcpt-Args lines smtp-sink puts before each message."""
        counts: Counter[str] = Counter()
        for dump in self.dir.glob("dump*"):
            in_envelope = False
            for line in dump.read_bytes().splitlines():
                if line.startswith(b"X-Client-Addr: "):  # the first line it writes per transaction
                    in_envelope = True
                elif line.startswith(b"Received: "):  # the last one before the message itself
                    in_envelope = False
                elif in_envelope and line.startswith(b"X-Rcpt-Args: "):
                    counts[line[13:].strip(b" <>").decode()] += 1
        return counts

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


def _wait(predicate: Callable[[], bool], timeout: float, what: str, every: float = 0.05) -> float:
    """Poll ``predicate`` until it holds; returns the moment it did (perf_counter)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)
    return time.perf_counter()


def make_app(database_url: str, redis_url: str, sink: Sink) -> Flask:
    """The app on the throwaway database, Redis and sink, migrated."""
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
            "MAIL_PORT": sink.port,
            "MAIL_DEFAULT_SENDER": SENDER,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    logging.getLogger().setLevel(logging.WARNING)
    with app.app_context(), db.engine.begin() as conn:
        upgrade(app, connection=conn)
    return app


def seed(app: Flask, n: int) -> tuple[int, bytes]:
    """A coalition, N consenting supporters (bulk inserts) and a draft mailing to them all.

    Returns the mailing's id and, as bytes, the message its first recipient will get.
    """
    with app.app_context():
        coalition = Coalition(name="Fight Inequality Alliance Zambia", slug="fia-zm", languages=["en"])
        db.session.add(coalition)
        db.session.flush()
        now, tree = utcnow(), coalition.id
        person = {"tree_id": tree, "postcode": "", "region": "", "created_at": now}
        people = [
            person | {"email": f"supporter{i:06d}@example.org", "name": f"Supporter {i}"} for i in range(n)
        ]
        db.session.execute(insert(Person), people)
        subject = literal(str(ConsentSubject.COALITION))
        consent = select(Person.id, subject, literal(tree), literal("email"), true(), literal(now))
        columns = ["person_id", "subject_type", "subject_id", "channel", "granted", "updated_at"]
        db.session.execute(insert(ConsentState).from_select(columns, consent.where(Person.tree_id == tree)))
        mailing = Mailing(coalition_id=tree, subject="People's assembly in Lusaka", body_markdown=BODY)
        mailing.from_name, mailing.segments = coalition.name, [{"kind": "coalition_supporters", "params": {}}]
        db.session.add(mailing)
        db.session.commit()
        first = db.session.scalars(select(Person).order_by(Person.id).limit(1)).one()
        row = OutboxMessage(recipient=first.email, recipient_name=first.name, person_id=first.id)
        row.sender, row.subject, row.headers = from_header(mailing.from_name), mailing.subject, {}
        headers, body_text, body_html = render_mailing(mailing).message_for(row)
        message = build_message(row, body_text, body_html, headers)  # bytes, or an EmailMessage before
        return mailing.id, message if isinstance(message, bytes) else message.as_bytes(policy=SMTP_POLICY)


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


def session_of(leader: int) -> list[int]:
    """The processes in a worker's session: itself and its work horse, which RQ moves to a process
    group of its own (``os.setpgrp``), out of reach of ``os.killpg(worker.pid)``."""
    pids = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(ValueError, OSError):
            if os.getsid(int(entry.name)) == leader:
                pids.append(int(entry.name))
    return pids


def stop_worker(proc: subprocess.Popen[bytes], kill: bool = False) -> None:
    """SIGKILL the worker and its work horse at once (``kill``), or ask the worker to stop (SIGTERM,
    which lets the work horse finish its job) and SIGKILL whatever is left after 15 s."""
    if not kill:
        with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
            proc.terminate()
            proc.wait(15)
    for pid in session_of(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(5)


class Run:
    """The app of one benchmark run, its Redis, and the workers started so far."""

    def __init__(self, app: Flask, redis: Redis, workdir: Path) -> None:
        self.app, self.redis, self.workdir = app, redis, workdir
        self.workers: list[subprocess.Popen[bytes]] = []

    def start_workers(self, count: int, sink: Sink, **settings: str) -> list[subprocess.Popen[bytes]]:
        """Start ``count`` workers, each in a session of its own, and wait until they registered with RQ."""
        env = os.environ | {
            "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": self.app.config["REDIS_URL"],
            "SECRET_KEY": SECRET,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(sink.port),
            "MAIL_DEFAULT_SENDER": SENDER,
            "ORGANISER_BASE_URL": self.app.config["BASE_URL"],
        }
        env |= {f"ORGANISER_{k.upper()}": v for k, v in settings.items()}
        cmd = [sys.executable, "-m", "organiser", "worker"]
        for _ in range(count):
            with (self.workdir / f"worker-{len(self.workers)}.log").open("wb") as log:
                self.workers.append(
                    subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
                )
        running = sum(1 for w in self.workers if w.poll() is None)
        _wait(lambda: Worker.count(connection=self.redis) >= running, 60, f"{running} workers to register")
        return self.workers[-count:]

    def stop_workers(self) -> None:
        while self.workers:
            stop_worker(self.workers.pop())

    def reset(self) -> None:
        """Empty every table and Redis (with the workers stopped)."""
        with self.app.app_context(), db.engine.begin() as conn:
            conn.execute(
                text(f"TRUNCATE {', '.join(t.name for t in metadata.sorted_tables)} RESTART IDENTITY")
            )
        self.redis.flushdb()

    def query(self, statement: Any, many: bool = False) -> Any:
        """A scalar (or all rows) from the database, in a transaction of its own."""
        with self.app.app_context():
            result = db.session.execute(statement).all() if many else db.session.scalar(statement)
            db.session.rollback()
            return result

    def ledger(self) -> dict[str, int]:
        """Outbox rows per status."""
        statuses = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        return {str(status): count for status, count in self.query(statuses, many=True)}

    def start_mailing(self, mailing_id: int) -> float:
        """Start the mailing and commit, which queues its expansion job; returns when."""
        with self.app.app_context():
            mailings.start(db.session.get(Mailing, mailing_id))
            db.session.commit()
        return time.perf_counter()

    def wait_sent(self, count: int, sink: Sink, timeout: float) -> float:
        """Poll the ledger every 0.2 s until ``count`` rows are sent; fail at once if the sink died."""

        def sent() -> bool:
            sink.received()  # raises if the sink is gone
            return self.ledger().get("sent", 0) >= count

        return _wait(sent, timeout, f"{count} rows sent", every=0.2)


def throughput(run: Run, sink: Sink, n: int, w: int) -> dict[str, Any]:
    """Phase 1: one smtplib client first, then the mailing end to end through W workers."""
    mailing_id, sample = seed(run.app, n)
    chunk = max(n, 5000) // 5  # five runs: the rate swings with where the scheduler puts client and sink
    raws = sorted(raw_smtplib_rate(sink.port, sample, chunk) for _ in range(5))
    before = sink.received()
    run.start_workers(w, sink)
    started = run.start_mailing(mailing_id)
    frozen = select(Mailing.recipient_total).where(Mailing.id == mailing_id)
    expanded = _wait(lambda: run.query(frozen) is not None, 60, "the recipients to be frozen", every=0.02)
    done = run.wait_sent(n, sink, 120 + n / 20)
    _wait(lambda: sink.received() - before >= n, 10, "the sink's counter to catch up")
    run.stop_workers()
    status = run.query(select(Mailing.status).where(Mailing.id == mailing_id))
    elapsed, expansion, received = done - started, expanded - started, sink.received() - before
    result = {"size": len(sample), "raw": raws[2], "raws": raws, "chunk": chunk, "ours": n / elapsed}
    return result | {"elapsed": elapsed, "expansion": expansion, "received": received, "status": status}


def kill_test(run: Run, sink: Sink, n: int, w: int) -> dict[str, Any]:
    """Phase 2: SIGKILL a worker and its work horse mid-run, start a replacement, count what arrived."""
    run.reset()
    mailing_id, _ = seed(run.app, n)
    victim = run.start_workers(w, sink)[0]
    run.start_mailing(mailing_id)
    run.wait_sent(int(n * KILL_AT), sink, 120 + n / 20)
    stop_worker(victim, kill=True)
    run.workers.remove(victim)
    at_kill = run.ledger()
    run.start_workers(1, sink, outbox_claim_timeout=CLAIM_TIMEOUT, sweep_interval=SWEEP_INTERVAL)
    run.wait_sent(n, sink, 120 + n / 20)
    _wait(lambda: sink.received() >= n, 10, "the sink's counter to catch up")
    time.sleep(0.5)  # anything still in flight lands
    received, expected = sink.recipients(), {f"supporter{i:06d}@example.org" for i in range(n)}
    run.stop_workers()
    return {
        "killed_at": at_kill.get("sent", 0),
        "claimed": at_kill.get("sending", 0),
        "lost": len(expected - set(received)),
        "duplicated": sum(c - 1 for c in received.values() if c > 1),
        "unexpected": len(set(received) - expected),
        "ledger": run.ledger(),
        "status": run.query(select(Mailing.status).where(Mailing.id == mailing_id)),
    }


def _quietly(fn: Callable[[], object]) -> Callable[[], None]:
    """A cleanup step that reports its own failure rather than mask the error that led to it."""

    def call() -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001
            print(f"cleanup: {exc!r}", file=sys.stderr)

    return call


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000, help="recipients of the mailing (N)")
    parser.add_argument("--workers", type=int, default=2, help="organiser worker processes (W)")
    args = parser.parse_args()
    n, w = args.messages, args.workers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the cleanup runs on SIGTERM too
    with tempfile.TemporaryDirectory(prefix="fanout-") as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        workdir.chmod(0o711)  # the sinks, running as nobody, write below it
        pg, redis_server = PostgresServer(), RedisServer()
        sink, counting_sink = Sink(workdir, "sink", dump=False), Sink(workdir, "dump", dump=True)
        for service in (pg, redis_server, sink, counting_sink):
            stack.callback(_quietly(service.stop))
            service.start()
        app = make_app(pg.create_database("fanout"), redis_server.url, sink)
        stack.callback(_quietly(app.extensions["organiser.engine"].dispose))
        run = Run(app, Redis.from_url(redis_server.url), workdir)
        stack.callback(_quietly(run.stop_workers))
        try:
            print(f"phase 1: throughput, {n} messages, {w} workers, plain smtp-sink", flush=True)
            speed = throughput(run, sink, n, w)
            print(f"  {speed['ours']:.0f} msg/s end to end, raw smtplib {speed['raw']:.0f} msg/s", flush=True)
            print("phase 2: kill test, smtp-sink dumping every message", flush=True)
            kill = kill_test(run, counting_sink, n, w)
        except TimeoutError:
            for log in sorted(workdir.glob("worker-*.log")):
                print(f"--- {log.name}, last lines:", *log.read_text().splitlines()[-15:], sep="\n")
            raise

    ratio = speed["ours"] / speed["raw"]
    print(f"\nfanout: N={n} workers={w} size={speed['size'] / 1024:.1f}KB")
    print(
        f"ours: {speed['ours']:.0f} msg/s end to end ({speed['elapsed']:.1f} s, expansion "
        f"{speed['expansion']:.2f} s; sink received {speed['received']}, mailing {speed['status']})"
    )
    print(
        f"raw smtplib, one connection: {speed['raw']:.0f} msg/s (median of 5 runs of {speed['chunk']}; "
        f"{speed['raws'][0]:.0f} to {speed['raws'][-1]:.0f})"
    )
    print(f"ratio: {ratio:.2f} (target >= 0.8){'' if ratio >= 0.8 else '  BELOW TARGET'}")
    print(
        f"kill test: killed 1 worker at {kill['killed_at']} sent ({kill['claimed']} rows claimed); "
        f"lost {kill['lost']}, duplicated {kill['duplicated']}, unexpected {kill['unexpected']} "
        f"(ledger {kill['ledger']}, mailing {kill['status']})"
    )
    return 1 if kill["lost"] or kill["unexpected"] or kill["duplicated"] > 1 else 0


if __name__ == "__main__":
    sys.exit(main())
