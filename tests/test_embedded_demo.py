"""The embedded demo (SQLite, no Redis, the sweeper in a thread) takes restarts and background sweeps
without a single failed request, and its e-mailed links use the address it serves."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html import unescape
from pathlib import Path

import pytest

from organiser import create_app
from organiser.db import db
from organiser.demo import DEMO_PASSWORD, seed_demo
from organiser.migrate import upgrade
from organiser.worker import start_embedded_sweeper
from tests.helpers import csrf_token
from tests.services import free_port

PETITION = "essentials-guarantee"
COALITION = "structural-inequalities-alliance"
ASSEMBLY = "lusaka-peoples-assembly"
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "SECRET_KEY", "ORGANISER_BASE_URL"}

pytestmark = pytest.mark.server


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 302 is an answer to look at, not to follow


class Browser:
    """urllib with a cookie jar: GET a page, POST a form (with the page's CSRF token when asked)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode(errors="replace")

    def submit(self, path: str, data: dict[str, str]) -> int:
        status, page = self.request(path)
        assert status == 200, (path, status)
        return self.request(path, {**data, "csrf_token": csrf_token(page)})[0]


def _start_demo(instance: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(ORGANISER_INSTANCE_PATH=str(instance), ORGANISER_SWEEP_INTERVAL="0.1")
    return subprocess.Popen(
        [sys.executable, "-m", "organiser", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_until_serving(proc: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the demo did not start: {proc.poll()}")


def _use_the_demo(base: str, run: int) -> list[int]:
    """Sign in as a coordinator, sign a petition, apply to join a coalition: the answers' statuses.
    On the way, the embed snippet, the tracking links and the calendar file point at ``base``."""
    coordinator, public = Browser(base), Browser(base)
    form = {"email": "sia.coordinator@example.org", "password": DEMO_PASSWORD}
    answers = [coordinator.submit("/account/sign-in", form)]
    status, page = coordinator.request(f"/petitions/{PETITION}")
    assert status == 200 and f"{base}/petitions/{PETITION}/embed" in unescape(page)
    status, page = coordinator.request(f"/petitions/{PETITION}/sponsors")
    assert status == 200 and f"{base}/petitions/{PETITION}?source=" in unescape(page)
    status, calendar = public.request(f"/assemblies/{ASSEMBLY}.ics")
    assert status == 200 and f"{base}/assemblies/{ASSEMBLY}" in calendar.replace("\r\n ", "")
    answers.append(coordinator.request(f"/coalitions/{COALITION}/team")[0])
    signer = {"name": f"Signer {run}", "email": f"signer{run}@example.org", "country": "GB"}
    answers.append(public.request(f"/petitions/{PETITION}/sign", {**signer, "consent_coalition": "y"})[0])
    application = {
        "name": f"Restart Test Group {run}",
        "type": "grassroots",
        "country": "GB",
        "contact_name": f"Applicant {run}",
        "contact_email": f"applicant{run}@example.org",
        "endorse": "y",
    }
    answers.append(public.submit(f"/coalitions/{COALITION}/join", application))
    return answers


def _links_mailed_to(database: Path, address: str) -> list[str]:
    with sqlite3.connect(database) as conn:
        bodies = [
            r[0] or ""
            for r in conn.execute("SELECT body_text FROM outbox_messages WHERE recipient = ?", (address,))
        ]
    return [link for body in bodies for link in re.findall(r"https?://\S+", body)]


def test_the_demo_restarted_three_times_serves_sign_in_signing_and_joining(tmp_path):
    for run in range(3):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = _start_demo(tmp_path, port)
        try:
            _wait_until_serving(proc, base)
            answers = _use_the_demo(base, run)
        finally:
            proc.send_signal(signal.SIGINT if run % 2 else signal.SIGTERM)
            output = proc.communicate(timeout=30)[0]
        assert answers == [302, 200, 200, 200], (run, answers, output[-3000:])
        assert "Traceback" not in output and "database is locked" not in output, output[-3000:]
        assert f"Links in e-mails point at {base}/" in output
        links = _links_mailed_to(tmp_path / "organiser.db", f"signer{run}@example.org")
        assert links and all(link.startswith(f"{base}/") for link in links), (links, base)


def _embedded_app(tmp_path: Path):
    """An app as the demo runs it (file SQLite, no Redis, local mail), migrated and seeded."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'organiser.db'}",
            "INSTANCE_PATH": str(tmp_path),
            "EMBEDDED": True,
            "REDIS_URL": None,
            "MAIL_BACKEND": "local",
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "SIGN_RATE_LIMIT": "10000 per minute",
            "SIGN_IP_LIMIT": "10000 per minute",
            "PUBLIC_MICROCACHE_SECONDS": 0,
            "SWEEP_INTERVAL": 0.02,
        }
    )
    with app.app_context():
        upgrade(app)
        seed_demo()
        db.session.commit()
    return app


def test_the_sweep_runs_beside_sign_ins_and_signing_on_sqlite_without_a_failure(tmp_path):
    app = _embedded_app(tmp_path)
    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def visitor(number: int) -> None:
        for turn in range(6):
            client = app.test_client()
            try:
                page = client.get("/account/sign-in")
                signed_in = client.post(
                    "/account/sign-in",
                    data={
                        "email": "sia.coordinator@example.org",
                        "password": DEMO_PASSWORD,
                        "csrf_token": csrf_token(page.get_data(as_text=True)),
                    },
                )
                signed = app.test_client().post(
                    f"/petitions/{PETITION}/sign",
                    data={
                        "name": "Sweep Test",
                        "email": f"s{number}-{turn}@example.org",
                        "consent_coalition": "y",
                    },
                )
                outcome = f"sign-in {signed_in.status_code}, signing {signed.status_code}"
            except Exception as exc:  # counted, so the assertion below shows it
                outcome = repr(exc)
            with lock:
                answers[outcome] += 1

    sweeper = start_embedded_sweeper(app)
    try:
        visitors = [threading.Thread(target=visitor, args=(n,)) for n in range(4)]
        for thread in visitors:
            thread.start()
        for thread in visitors:
            thread.join()
    finally:
        sweeper.stop()
        app.extensions["organiser.engine"].dispose()
    assert answers == Counter({"sign-in 302, signing 200": 24})
    assert sweeper.passes >= 3  # the sweep really ran beside them
