"""Real services for the tests: a throwaway PostgreSQL, Redis and SMTP capture server.

PostgreSQL refuses to run as root (and CI runs as root), so as root the cluster is created and
started as the ``postgres`` user in a temporary directory it owns. Set TEST_DATABASE_URL to use
a server you already run instead.
"""

from __future__ import annotations

import email
import email.policy
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError(
        "PostgreSQL is not installed: run `apt-get install -y postgresql` (scripts/test does)."
    )


class PostgresServer:
    """initdb + pg_ctl in a temporary directory, on a free port, with trust auth on loopback."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="organiser-pg-"))
        self.data = self.dir / "data"
        self.bindir = _pg_bindir()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> PostgresServer:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        opts = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-w",
            "-l",
            str(self.dir / "server.log"),
            "start",
        )
        return self

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run `apt-get install -y redis-server`.")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


def advertise_pipelining(session, hostname: str, responses: list[str]) -> list[str]:
    """Offer RFC 2920 PIPELINING, as production relays (Postfix, the big senders) do. aiosmtpd reads
    commands one line at a time from its buffer, so pipelined commands are answered in order."""
    session.host_name = hostname
    return [*responses[:-1], "250-PIPELINING", responses[-1]]


@dataclass
class CapturedMail:
    """What a local SMTP server received, parsed, in arrival order."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        return advertise_pipelining(session, hostname, responses)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.raw.append(envelope.original_content)
            self.lock.notify_all()
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()
            self.raw.clear()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """Block until at least ``count`` messages arrived; fail clearly if they do not."""
        with self.lock:
            if not self.lock.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"expected {count} e-mails, got {len(self.messages)} in {timeout}s")
            return list(self.messages)

    def wait_for_to(self, address: str, count: int = 1, timeout: float = 30.0) -> list[EmailMessage]:
        """Block until ``count`` messages to ``address`` arrived (others may arrive too)."""
        with self.lock:
            if not self.lock.wait_for(lambda: len(self._to(address)) >= count, timeout):
                raise AssertionError(f"expected {count} e-mails to {address}, got {len(self._to(address))}")
            return self._to(address)

    def _to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


class SMTPCapture:
    def __init__(self) -> None:
        self.mail = CapturedMail()
        self.controller = Controller(self.mail, hostname="127.0.0.1", port=free_port())

    def start(self) -> SMTPCapture:
        self.controller.start()
        return self

    @property
    def port(self) -> int:
        return self.controller.port

    def stop(self) -> None:
        self.controller.stop()
