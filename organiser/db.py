"""The SQLAlchemy 2 base, the engine and a session scoped to the Flask app context."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from flask.globals import _cv_app
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)

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


# A column holding what a person gave or left (their name, words, IP address): listed on their own
# data page and in their download, and blanked when they are erased or their data expires
# (``organiser.privacy.registry.AnonymisedRows``). A new field marked so needs nothing more.
PERSONAL = {"personal": True}


def personal_columns(model: type) -> list[Any]:
    """The model's columns marked ``info=PERSONAL``, in their order."""
    return [column for column in model.__table__.columns if column.info.get("personal")]  # type: ignore[attr-defined]


def _app_context_id() -> int:
    ctx = _cv_app.get(None)
    if ctx is None:
        raise RuntimeError("The database session needs an application context.")
    return id(ctx)


class AppSession(Session):
    """Uses the current app's bind: its engine, or in tests the connection holding the savepoint."""

    def get_bind(self, mapper: Any = None, clause: Any = None, **kw: Any) -> Engine | Connection:
        return current_app.extensions["organiser.bind"]


SQLITE_BUSY_SECONDS = 30  # how long a write waits for another to finish before "database is locked"
_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _writes_expected() -> bool:
    """Whether a transaction begins as SQLite's writer: in a job, the sweeper, a command, a request
    that may change state, and any page read by someone signed in (coordinators' pages may write,
    such as the export log). Anonymous page views stay plain readers, which WAL never blocks.

    A transaction that read first and then writes fails at once ("database is locked", no waiting)
    if another connection wrote in between; one that begins as the writer waits its turn."""
    from flask import has_request_context, request

    if not has_request_context() or request.method not in _READ_ONLY_METHODS:
        return True
    from organiser.extensions import may_be_signed_in

    return may_be_signed_in()


class _WriterTurns:
    """One writer at a time per SQLite file in this process.

    ``BEGIN IMMEDIATE`` alone would queue writers through SQLite's busy handler, which polls (up
    to every 100 ms) and lets a waiter be overtaken again and again until it times out (measured:
    1 to 3 sign-ins in 80 failed so); a thread lock wakes a waiting writer as soon as the last one
    ends. Other processes (a command run beside the server) still wait through the busy timeout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def take(self, info: dict[str, Any]) -> None:
        me = threading.get_ident()
        if self._owner == me:  # this thread writes on another connection already: no use waiting here
            log.warning("a second SQLite write transaction in one thread; it waits on the first")
            return
        if not self._lock.acquire(timeout=SQLITE_BUSY_SECONDS):
            log.warning("an SQLite writer waited %s s for its turn; now SQLite decides", SQLITE_BUSY_SECONDS)
            return
        self._owner = me
        info[_HOLDS_TURN] = True

    def give_back(self, info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_TURN, False):
            self._owner = None
            self._lock.release()


_HOLDS_TURN = "organiser.sqlite_writer_turn"


def _is_file_database(engine: Engine) -> bool:
    return engine.url.database not in (None, "", ":memory:")


def _sqlite_pragmas(engine: Engine, *, concurrent_writers: bool) -> None:
    """Foreign keys on, a busy timeout, and BEGIN emitted by SQLAlchemy (not pysqlite) so that
    savepoints work. A file database also runs in WAL mode, so readers never wait for a writer
    nor a writer for readers. On the app's engine (``concurrent_writers``: requests, in-process
    jobs and the sweeper thread) write transactions begin as the writer (``BEGIN IMMEDIATE``),
    one at a time: together they make "database is locked" a wait rather than a failed request.
    Other engines (Alembic's, run before serving or as a release step) keep a plain BEGIN."""
    file_database = _is_file_database(engine)
    immediate = file_database and concurrent_writers
    turns = _WriterTurns()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        if file_database:
            _use_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if not (immediate and _writes_expected()):
            conn.exec_driver_sql("BEGIN")
            return
        turns.take(conn.info)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            turns.give_back(conn.info)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Connection) -> None:
        turns.give_back(conn.info)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        turns.give_back(record.info)  # a connection given back with its transaction still open


def _use_wal(cursor: Any) -> None:
    """WAL is kept in the file: after the first connection this changes nothing."""
    import sqlite3

    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:  # switching needs the file to itself: the next connection will
        log.warning("SQLite stays in its rollback journal for now: another connection holds the file")


def make_engine(url: str, *, concurrent_writers: bool = False) -> Engine:
    """An engine for PostgreSQL (psycopg 3) or SQLite with sensible pool settings; on SQLite,
    ``concurrent_writers`` makes writers take turns (the app's own engine)."""
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
        kwargs: dict[str, Any] = {"connect_args": connect_args}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        _sqlite_pragmas(engine, concurrent_writers=concurrent_writers)
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
        engine = make_engine(app.config["SQLALCHEMY_DATABASE_URI"], concurrent_writers=True)
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
