"""Fixtures: real PostgreSQL, SQLite, Redis, RQ workers and an SMTP capture server.

* ``app`` is parametrised over PostgreSQL and SQLite: every test that uses it runs on both.
  Each test runs inside a transaction that is rolled back afterwards (requests commit to a
  savepoint), and jobs run in-process on that same connection, sending real SMTP to the capture.
* ``live_app`` commits for real to its own PostgreSQL database, for browser tests and for tests
  with a real RQ worker process; its tables are emptied after each test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from organiser import create_app
from organiser.db import db
from organiser.extensions import limiter
from organiser.migrate import upgrade
from organiser.models import metadata
from tests.services import CapturedMail, PostgresServer, RedisServer, SMTPCapture, free_port

SECRET = "test-secret-key-0123456789abcdef"  # noqa: S105
BASE_URL = "http://localhost"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    server = PostgresServer().start()
    yield server
    server.stop()


def _database_url(postgres: PostgresServer | None, name: str) -> str:
    if postgres is None:
        from organiser.config import normalise_database_url

        base = normalise_database_url(os.environ["TEST_DATABASE_URL"])
        return base.rsplit("/", 1)[0] + "/" + name if name != "organiser_test" else base
    return postgres.create_database(name)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPCapture]:
    server = SMTPCapture().start()
    yield server
    server.stop()


@pytest.fixture
def mail(smtp_server: SMTPCapture) -> Iterator[CapturedMail]:
    """The mail the local SMTP server captured during this test."""
    smtp_server.mail.clear()
    yield smtp_server.mail
    smtp_server.mail.clear()


def _config(database_url: str, smtp: SMTPCapture, **extra: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "EMBEDDED": False,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "BASE_URL": BASE_URL,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "MAIL_TIMEOUT": 10.0,
        "MAIL_DEFAULT_SENDER": "Organiser <no-reply@organiser.test>",
        "RATELIMIT_STORAGE_URI": "memory://",
        # argon2's cheapest parameters: the same hashing and checking code, in microseconds.
        "PASSWORD_HASH_PROFILE": "cheapest",
        # Tests read a page right after changing it: the web process's one-second memory of public
        # petition pages is off here, and tested on its own (test_petition_surge.py).
        "PUBLIC_MICROCACHE_SECONDS": 0,
        **extra,
    }


def _migrate(app: Flask) -> None:
    with app.app_context(), db.engine.begin() as conn:
        upgrade(app, connection=conn)


@pytest.fixture(scope="session", params=["postgresql", "sqlite"])
def app(
    request: pytest.FixtureRequest,
    postgres: PostgresServer | None,
    smtp_server: SMTPCapture,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Flask]:
    """The app on each database in turn, migrated with Alembic."""
    if request.param == "postgresql":
        url = _database_url(postgres, "organiser_test")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'organiser.db'}"
    application = create_app(_config(url, smtp_server))
    _migrate(application)
    yield application
    application.extensions["organiser.engine"].dispose()


@pytest.fixture(autouse=True)
def _transaction(request: pytest.FixtureRequest) -> Iterator[None]:
    """Wrap each test that uses ``app`` in a transaction rolled back at the end."""
    if "app" not in request.fixturenames:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    engine = application.extensions["organiser.engine"]
    connection = engine.connect()
    outer = connection.begin()
    application.extensions["organiser.bind"] = connection
    with application.app_context():
        limiter.reset()
    try:
        yield
    finally:
        outer.rollback()
        connection.close()
        application.extensions["organiser.bind"] = engine


@pytest.fixture
def config_override(app: Flask) -> Iterator[object]:
    """``config_override(KEY=value, ...)`` changes the app's settings for this test only: each is
    put back as it was (or removed) when the test ends, whatever happens."""
    missing, saved = object(), {}

    def override(**values: object) -> None:
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key, missing))
            app.config[key] = value

    yield override
    for key, value in saved.items():
        if value is missing:
            app.config.pop(key, None)
        else:
            app.config[key] = value


@pytest.fixture
def client(app: Flask):
    return app.test_client()


# ---- committed data: browser tests and real RQ workers --------------------------------------


@pytest.fixture(scope="session")
def live_database_url(postgres: PostgresServer | None) -> str:
    return _database_url(postgres, "organiser_live")


def _truncate(app: Flask) -> None:
    with app.app_context(), db.engine.begin() as conn:
        names = ", ".join(t.name for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def live_app(live_database_url: str, smtp_server: SMTPCapture, redis_server: RedisServer) -> Iterator[Flask]:
    """An app that really commits, with jobs on Redis for a real RQ worker to run."""
    application = create_app(_config(live_database_url, smtp_server, REDIS_URL=redis_server.url))
    _migrate(application)
    yield application
    application.extensions["organiser.engine"].dispose()


@pytest.fixture
def live(live_app: Flask, redis_server: RedisServer) -> Iterator[Flask]:
    """``live_app`` with empty tables and queues before and after the test."""
    from redis import Redis

    Redis.from_url(redis_server.url).flushdb()
    _truncate(live_app)
    with live_app.app_context():
        limiter.reset()
    yield live_app
    _truncate(live_app)


def worker_env(app: Flask, smtp: SMTPCapture) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        SECRET_KEY=SECRET,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
        MAIL_DEFAULT_SENDER=app.config["MAIL_DEFAULT_SENDER"],
        ORGANISER_BASE_URL=BASE_URL,
    )
    return env


@pytest.fixture
def rq_worker(live: Flask, smtp_server: SMTPCapture) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``organiser worker`` process (RQ, with the scheduler) for this test."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "organiser", "worker"],
        env=worker_env(live, smtp_server),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    time.sleep(0.5)
    if proc.poll() is not None:
        raise RuntimeError(proc.stdout.read().decode() if proc.stdout else "worker exited")
    yield proc
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def live_server(live: Flask) -> Iterator[str]:
    """``live`` served over HTTP by a real server thread, for the browser."""
    import threading

    from werkzeug.serving import make_server

    port = free_port()
    live.config["BASE_URL"] = f"http://127.0.0.1:{port}"
    server = make_server("127.0.0.1", port, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    live.config["BASE_URL"] = BASE_URL
