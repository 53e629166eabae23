"""Page speed under load: the public pages people open most, served by gunicorn on PostgreSQL.

    .venv/bin/python benchmarks/pages.py [--seconds 10] [--workers 4]

Starts a throwaway PostgreSQL (as the tests do), migrates and seeds the demo, serves the app with
gunicorn (sync workers, as the Procfile does), and drives each page with wrk from the same
machine for a fixed time. Prints requests per second and latency percentiles per page.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import PostgresServer, free_port  # noqa: E402

# The public pages people open most: the petition page is the yardstick the home page, the coalition
# pages (an alliance's lists its chapters' actions) and the search must keep up with. Each public page
# also as a browser asks for it, gzip-compressed (organiser.web.compression).
PUBLIC = [
    "/petitions/essentials-guarantee",
    "/",
    "/coalitions/structural-inequalities-alliance",
    "/coalitions/fight-inequality-alliance",
    "/search?q=debt",
]
GZIP = "Accept-Encoding: gzip"
PAGES: list[tuple[str, str]] = [(page, "") for page in PUBLIC] + [(page, GZIP) for page in PUBLIC[:3]]
PAGES += [("/account/sign-in", ""), ("/healthz", "")]
SECRET = "benchmark-secret-key-0123456789"  # noqa: S105
# A deployment (DATABASE_URL) must name an SMTP server; nothing here sends, so one that is not there.
NO_MAIL = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(free_port())}


def prepare(database_url: str) -> None:
    """Migrate and seed the demo data into the benchmark database."""
    from organiser import create_app
    from organiser.demo import seed_demo
    from organiser.migrate import upgrade

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET,
            "EMBEDDED": False,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": NO_MAIL["MAIL_SERVER"],
            "MAIL_PORT": int(NO_MAIL["MAIL_PORT"]),
        }
    )
    with app.app_context():
        upgrade(app)
        seed_demo()
    app.extensions["organiser.engine"].dispose()


def serve(database_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, **NO_MAIL}
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "organiser:create_app()",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def drive(url: str, seconds: int, header: str = "") -> dict[str, str]:
    """Run wrk against one URL (with one extra request header, if given); return its requests/s and
    latency percentiles."""
    extra = ["-H", header] if header else []
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)}
    for pct in ("50", "99"):
        figures[f"p{pct}"] = re.search(rf"\s{pct}%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["errors"] = errors.group(1) if errors else "0"
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    postgres = PostgresServer().start()
    server = None
    try:
        url = postgres.create_database("organiser_bench")
        prepare(url)
        port = free_port()
        server = serve(url, port, args.workers)
        print(
            f"pages: gunicorn {args.workers} sync workers, PostgreSQL, wrk 2 threads x 32 connections, "
            f"{args.seconds}s each"
        )
        for page, header in PAGES:
            f = drive(f"http://127.0.0.1:{port}{page}", args.seconds, header)
            label = f"{page} (gzip)" if header else page
            print(
                f"{label:<50} {float(f['rps']):>8.0f} req/s   p50 {f['p50']:>8}   p99 {f['p99']:>8}   "
                f"non-2xx {f['errors']}"
            )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)
        postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
