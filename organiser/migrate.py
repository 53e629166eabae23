"""Alembic, driven from the app: the schema's source of truth is organiser/migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(app: Flask, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", app.config["SQLALCHEMY_DATABASE_URI"].replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(app: Flask, revision: str = "head", connection: Connection | None = None) -> None:
    command.upgrade(alembic_config(app, connection), revision)


# Indexes the migrations own, on PostgreSQL only: the full-text indexes (``*_fts``, migration 0027:
# on expressions the models do not declare, and Alembic cannot compare expression indexes on SQLite)
# and the desk's partial, covering ones (``*_desk``, 0030). Tests check that the queries use them
# (tests/hub/test_search.py, tests/desk/test_plans.py).
POSTGRESQL_ONLY_INDEXES = ("_fts", "_desk")


def include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    """What Alembic compares between the models and the database: everything but the indexes only
    the migrations make (``POSTGRESQL_ONLY_INDEXES``)."""
    return not (type_ == "index" and (name or "").endswith(POSTGRESQL_ONLY_INDEXES))
