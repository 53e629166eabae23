"""The SQLAlchemy 2 base, the engine and a session scoped to the Flask app context."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from flask.globals import _cv_app
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.pool import StaticPool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The one declarative base; constraint names are stable so migrations are too."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time, in UTC, with its zone."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite drops the zone of a stored time; every stored time is UTC, so put it back."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _app_context_id() -> int:
    ctx = _cv_app.get(None)
    if ctx is None:
        raise RuntimeError("The database session needs an application context.")
    return id(ctx)


class AppSession(Session):
    """Uses the current app's bind: its engine, or in tests the connection holding the savepoint."""

    def get_bind(self, mapper: Any = None, clause: Any = None, **kw: Any) -> Engine | Connection:
        return current_app.extensions["organiser.bind"]


def _sqlite_pragmas(engine: Engine) -> None:
    """Foreign keys on, and let SQLAlchemy (not pysqlite) emit BEGIN so savepoints work."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for PostgreSQL (psycopg 3) or SQLite with sensible pool settings."""
    if url.startswith("sqlite"):
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 15}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """``db.session`` is one session per app context, removed when the context ends."""

    def __init__(self) -> None:
        self.session = scoped_session(
            sessionmaker(class_=AppSession, expire_on_commit=False, join_transaction_mode="create_savepoint"),
            scopefunc=_app_context_id,
        )

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        app.extensions["organiser.engine"] = engine
        app.extensions["organiser.bind"] = engine

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["organiser.engine"]


db = Database()


def dialect_insert(model: type) -> Any:
    """An ``INSERT`` with ``ON CONFLICT`` for this database (PostgreSQL, SQLite), or None."""
    from sqlalchemy.dialects import postgresql, sqlite

    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    return None
