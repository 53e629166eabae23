"""The ``organiser`` command: create-admin, seed-demo, db upgrade, and the demo server itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import func, select

from organiser.cli import main
from organiser.coalitions.models import Coalition
from organiser.core.models import User
from organiser.db import db
from organiser.demo import DEMO_PASSWORD
from tests.helpers import sign_in, text_of
from tests.services import free_port


def test_create_admin_reads_the_password_from_the_environment(app, client, monkeypatch):
    monkeypatch.setenv("ORGANISER_ADMIN_PASSWORD", "admin password 123")
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "Root@Example.org", "--name", "Root"]
    )
    assert result.exit_code == 0, result.output
    assert "root@example.org is a platform administrator" in result.output
    assert sign_in(client, "root@example.org", "admin password 123").status_code == 302
    assert client.get("/admin").status_code == 200


def test_create_admin_refuses_a_short_password(app, monkeypatch):
    monkeypatch.setenv("ORGANISER_ADMIN_PASSWORD", "short")
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "root@example.org"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_seed_demo_fills_an_empty_database_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert "Demo data seeded" in first.output and "admin@example.org" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "nothing seeded" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Coalition)) == 7
        names = set(db.session.scalars(select(Coalition.name)))
        assert {
            "Structural Inequalities Alliance",
            "Fight Inequality Alliance",
            "Fight Inequality Alliance Zambia",
            "Fight Inequality Alliance Zimbabwe",
        } <= names
        assert User.by_email("zambia.coordinator@example.org") is not None


def test_db_upgrade_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "Database at head" in result.output


def test_the_console_script_lists_its_commands():
    result = subprocess.run(
        [sys.executable, "-m", "organiser", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("db", "demo", "seed-demo", "create-admin", "worker", "mail"):
        assert command in result.stdout
    assert main.name


@pytest.mark.server
def test_demo_command_serves_the_seeded_demo_from_nothing(tmp_path):
    """The README's first command, minus the install: an empty instance folder becomes a demo."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "SECRET_KEY", "ORGANISER_BASE_URL"}
    }
    env["ORGANISER_INSTANCE_PATH"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "organiser", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, html = time.monotonic() + 60, ""
        while time.monotonic() < deadline and not html:
            try:
                html = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()  # noqa: S310
            except OSError:
                time.sleep(0.3)
        assert "Structural Inequalities Alliance" in html and "Fight Inequality Alliance Zambia" in html
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert f"Organiser is running at http://127.0.0.1:{port}/" in output
    assert DEMO_PASSWORD in output and "sia.coordinator@example.org" in output
    assert f"Links in e-mails point at http://127.0.0.1:{port}/" in output
    assert "Only this computer can open it" in output
    assert (tmp_path / "organiser.db").exists() and not (tmp_path / "secret_key").exists()


def test_the_demo_refuses_to_serve_other_computers_without_mail(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MAIL_SERVER", "SECRET_KEY"}}
    env["ORGANISER_INSTANCE_PATH"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "organiser", "demo", "--host", "0.0.0.0", "--port", str(free_port())],  # noqa: S104
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Error: MAIL_SERVER is not set" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "organiser.db").exists() and not (tmp_path / "secret_key").exists()


def test_a_deployment_without_mail_is_refused_with_a_clear_message(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgresql://u:p@127.0.0.1:1/none", "SECRET_KEY": "s" * 40}
    env.pop("MAIL_SERVER", None)
    result = subprocess.run(
        [sys.executable, "-m", "organiser", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Error: MAIL_SERVER is not set" in result.stderr


def test_demo_logins_work(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    assert sign_in(client, "sia.coordinator@example.org", DEMO_PASSWORD).status_code == 302
    assert "Coordinators" in text_of(client.get("/coalitions/structural-inequalities-alliance/team"))


def test_import_bounces_from_csv(app, tmp_path):
    from organiser.messaging.models import Suppression

    path = tmp_path / "bounces.csv"
    path.write_text(
        "email,type,detail\nhard@example.org,hard,550 5.1.1\nsoft@example.org,soft,mailbox full\n"
        "bad-address,hard,\nx@example.org,weird,\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["mail", "import-bounces", str(path)])
    assert "Recorded 2 bounces and complaints; 1 addresses are now suppressed." in result.output
    assert "line 4: 'bad-address' is not an e-mail address; skipped" in result.output
    assert "line 5: type must be hard, soft or complaint" in result.output
    with app.app_context():
        assert list(db.session.scalars(select(Suppression.email))) == ["hard@example.org"]


def test_import_bounces_needs_the_right_columns(app, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("address,kind\nx@example.org,hard\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["mail", "import-bounces", str(path)])
    assert result.exit_code != 0 and "needs a header row" in result.output
