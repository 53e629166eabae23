"""Alembic is the schema's source of truth: the migrated database must match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from organiser.db import db
from organiser.models import metadata


def test_models_and_migrations_agree(app):
    with app.app_context():
        conn = db.session.connection()
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_migrations_run_down_and_up_again(app, tmp_path):
    from alembic import command

    from organiser import create_app
    from organiser.migrate import alembic_config, upgrade

    other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"})
    with other.app_context():
        upgrade(other)
        command.downgrade(alembic_config(other), "base")
        upgrade(other)
    other.extensions["organiser.engine"].dispose()
