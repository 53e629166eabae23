"""Alembic is the schema's source of truth: the migrated database must match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from organiser.db import db
from organiser.models import metadata


def test_models_and_migrations_agree(app):
    with app.app_context():
        conn = db.session.connection()
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_migrations_run_down_and_up_again_and_still_match_the_models(app, postgres, tmp_path):
    """On a database of its own (of the same kind): up to head, down to nothing, up again, and the
    schema then is exactly what the models say."""
    from alembic import command

    from organiser import create_app
    from organiser.migrate import alembic_config, upgrade
    from tests.conftest import _database_url

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = _database_url(postgres, "organiser_migrations")
    else:
        url = f"sqlite:///{tmp_path / 'm.db'}"
    other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with other.app_context():
            upgrade(other)
            command.downgrade(alembic_config(other), "base")
            with db.engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) <= {"alembic_version"}, "down to nothing"
            upgrade(other)
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                assert compare_metadata(context, metadata) == []
    finally:
        other.extensions["organiser.engine"].dispose()
