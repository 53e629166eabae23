"""The ``organiser`` command: a Flask CLI group (``organiser --help`` lists everything)."""

from __future__ import annotations

import getpass
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from organiser.assemblies.sortition.cli import sortition_group
from organiser.db import db


def _create_app() -> Flask:
    from organiser import create_app
    from organiser.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=True)
def main() -> None:
    """Organiser: coalitions, petitions, letters, assemblies and the e-mail that links them."""


def register_commands(app: Flask) -> None:
    for command in (
        db_group,
        demo,
        seed_demo_command,
        create_admin,
        worker,
        mail_group,
        privacy_group,
        sortition_group,
    ):
        app.cli.add_command(command)


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from organiser.migrate import upgrade

    upgrade(current_app, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    from alembic import command

    from organiser.migrate import alembic_config

    command.downgrade(alembic_config(current_app), revision)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill an empty database with the demo coalitions, organisations and users."""
    from organiser.demo import print_logins, seed_demo

    if seed_demo():
        click.echo("Demo data seeded.")
    else:
        click.echo("The database already has coalitions; nothing seeded.")
    print_logins()


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo(host: str, port: int) -> None:
    """Create the embedded database, seed the demo and serve it.

    On an address other computers can reach (--host 0.0.0.0), the demo keeps a random secret key
    in the instance folder and needs MAIL_SERVER; e-mailed links use --host and --port unless
    ORGANISER_BASE_URL is set."""
    from werkzeug.serving import run_simple

    from organiser.config import ConfigError
    from organiser.demo import print_logins, seed_demo
    from organiser.deployment import configure_demo
    from organiser.migrate import upgrade
    from organiser.worker import start_embedded_sweeper

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        said = configure_demo(app, host, port)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    upgrade(app)
    try:
        seed_demo()
        db.session.commit()
    finally:
        db.session.remove()  # no transaction of the command's may outlive it: SQLite would stay locked
    print_logins()
    for line in said:
        click.echo(line)
    click.echo(f"\nOrganiser is running at http://{host}:{port}/  (Ctrl+C to stop)\n")
    start_embedded_sweeper(app)
    run_simple(host, port, app, threaded=True)


@click.command("create-admin")
@click.option("--email", required=True, help="The administrator's e-mail address.")
@click.option("--name", default="", help="Their name.")
@with_appcontext
def create_admin(email: str, name: str) -> None:
    """Create a platform administrator (password from ORGANISER_ADMIN_PASSWORD or a prompt)."""
    from organiser.core import services
    from organiser.core.models import Role, User

    password = os.environ.get("ORGANISER_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < services.MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"The password needs at least {services.MIN_PASSWORD_LENGTH} characters.")
    user = User.by_email(email) or services.create_user(email, name=name)
    services.set_password(user, password)
    services.grant_role(user, Role.PLATFORM_ADMIN)
    db.session.commit()
    click.echo(f"{user.email} is a platform administrator.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--queues", default="transactional,default,bulk", show_default=True)
@with_appcontext
def worker(burst: bool, queues: str) -> None:
    """Run an RQ worker (with the scheduler) on the transactional, default and bulk queues."""
    from organiser.jobs import redis_connection, set_worker_app
    from organiser.worker import make_worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if redis_connection(app) is None:
        raise click.UsageError("REDIS_URL is not set: without Redis, jobs run inside the web process.")
    set_worker_app(app)
    make_worker(app, queues.split(",")).work(burst=burst, with_scheduler=not burst, logging_level="INFO")


@click.group("mail")
def mail_group() -> None:
    """The outbox."""


@mail_group.command("sweep")
@with_appcontext
def mail_sweep() -> None:
    """Reclaim messages a dead worker left half-sent and hand every due message to a worker."""
    from organiser.messaging.services import sweep_outbox

    click.echo(f"Handed {sweep_outbox()} due outbox messages to the queues.")


@mail_group.command("import-bounces")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@with_appcontext
def import_bounces(csv_file: object) -> None:
    """Record bounces and complaints from a CSV with columns email, type (hard, soft or complaint), detail."""
    import csv

    from organiser.messaging.models import BounceKind
    from organiser.messaging.services.suppression import record_bounce

    reader = csv.DictReader(csv_file)  # type: ignore[arg-type]
    if not reader.fieldnames or not {"email", "type"} <= {f.strip().lower() for f in reader.fieldnames}:
        raise click.UsageError("The CSV needs a header row with at least the columns: email, type")
    recorded = suppressed = 0
    for line, row in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            kind = BounceKind(row["type"].lower())
        except ValueError:
            click.echo(
                f"line {line}: type must be hard, soft or complaint, not {row['type']!r}; skipped", err=True
            )
            continue
        if "@" not in row["email"]:
            click.echo(f"line {line}: {row['email']!r} is not an e-mail address; skipped", err=True)
            continue
        suppressed += record_bounce(row["email"], kind, detail=row.get("detail", ""), source="import")
        recorded += 1
    db.session.commit()
    click.echo(f"Recorded {recorded} bounces and complaints; {suppressed} addresses are now suppressed.")


@click.group("privacy")
def privacy_group() -> None:
    """Retention and erasure."""


@privacy_group.command("retention")
@click.option("--now", "now_text", default=None, help="Run as if it were this date (YYYY-MM-DD), for checks.")
@with_appcontext
def privacy_retention(now_text: str | None) -> None:
    """Anonymise what each coalition's retention period says is due, and drop old IP addresses."""
    from datetime import UTC, datetime

    from organiser.privacy.services import run_retention

    now = datetime.fromisoformat(now_text).replace(tzinfo=UTC) if now_text else None
    runs = run_retention(now)
    db.session.commit()
    for run in runs:
        click.echo(f"{run.coalition_id}: before {run.cutoff.date()}: {run.counts}")
    click.echo(f"Retention ran for {len(runs)} coalitions.")
