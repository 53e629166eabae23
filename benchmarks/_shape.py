"""What the production-shape benchmarks share (``sign_surge.py``, ``vote_surge.py``): the app served
by gunicorn as the Procfile does, driven by ``wrk`` with a Lua script, against throwaway services.

Import it after the repository root is on ``sys.path`` (each benchmark puts it there first).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.services import PostgresServer, free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-secret-key-0123456789abcdef"  # noqa: S105


class DiscardingSMTP:
    """An SMTP server that accepts every message and keeps none (a deployment must send its mail)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, _server: object, _session: object, _envelope: object) -> str:  # noqa: N802
        return "250 Message accepted"


class DurablePostgres(PostgresServer):
    """The tests' throwaway cluster, restarted with ``fsync``, ``synchronous_commit`` and
    ``full_page_writes`` on (PostgreSQL's defaults, as in production): each commit waits for its WAL
    to reach the disk."""

    def start(self) -> DurablePostgres:
        super().start()
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        pg_ctl = str(self.bindir / "pg_ctl")
        self._run(
            pg_ctl, "-D", str(self.data), "-o", opts, "-w", "-l", str(self.dir / "server.log"), "restart"
        )
        return self


def dsn(database_url: str) -> str:
    """psycopg's own form of a SQLAlchemy URL."""
    return database_url.replace("postgresql+psycopg://", "postgresql://")


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True, stdout=out, stderr=out)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def add_gunicorn_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (both apps)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (both apps)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread)")


def describe_gunicorn(args: argparse.Namespace) -> str:
    threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    return f"gunicorn {args.workers} {args.worker_class} workers{threads}"


def gunicorn(target: str, port: int, args: argparse.Namespace, env: dict[str, str], log: Path):  # noqa: ANN201
    """The Procfile's web command (no access log), started and answering."""
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        target,
    ]
    proc = start(cmd, env, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)  # noqa: S310
            return proc
        except urllib.error.HTTPError:
            return proc  # it answers (404 is fine)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn ({target}) did not start; see {log}")


def wrk(  # noqa: ANN201
    url: str,
    seconds: int,
    threads: int,
    connections: int,
    script: Path | None,
    prefix: str,
    env: dict[str, str] | None = None,
):
    """``wrk`` started (read its output with ``.communicate()``); ``SURGE_PREFIX`` and ``env`` reach
    the Lua script through ``os.getenv``."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        cmd += ["-s", str(script)]
    return subprocess.Popen(
        [*cmd, url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "SURGE_PREFIX": prefix, **(env or {})},
    )


def figures(out: str) -> dict[str, str]:
    """requests/s, p50 and p99, and from the script's ``done()``: ACCEPTED (per second too) and
    SOCKET_ERRORS; also wrk's count of answers that are not 2xx or 3xx."""
    found = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)}
    for pct in ("50", "99"):
        found[f"p{pct}"] = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+\w+)", out).group(1)
    duration = re.search(r"requests in ([\d.]+)(\w+),", out)
    seconds = float(duration.group(1)) * {"s": 1, "m": 60, "ms": 0.001}[duration.group(2)]
    accepted = re.search(r"ACCEPTED (\d+)", out)
    found["accepted"] = accepted.group(1) if accepted else "0"
    found["per_second"] = f"{int(found['accepted']) / seconds:.0f}"
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found["non2xx"] = errors.group(1) if errors else "0"
    socket_errors = re.search(r"SOCKET_ERRORS (\d+)", out)
    found["socket_errors"] = socket_errors.group(1) if socket_errors else "0"
    return found
