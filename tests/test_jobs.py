"""Jobs queued in a transaction run after its commit, never before: a savepoint released inside it
is not the commit, and a savepoint rolled back drops only the jobs queued inside it."""

from __future__ import annotations

from sqlalchemy import text

from organiser.db import db
from organiser.jobs import enqueue_after_commit

RAN: list[str] = []


def remember(name: str) -> None:
    RAN.append(name)


def test_a_released_savepoint_runs_no_job_and_a_rolled_back_one_drops_only_its_own(app):
    RAN.clear()
    with app.app_context():
        enqueue_after_commit(remember, "before")
        with db.session.begin_nested():
            enqueue_after_commit(remember, "in a released savepoint")
        assert RAN == [], "a savepoint released is not the commit"
        try:
            with db.session.begin_nested():
                enqueue_after_commit(remember, "in a rolled-back savepoint")
                raise LookupError
        except LookupError:
            pass
        enqueue_after_commit(remember, "after")
        assert RAN == []
        db.session.commit()
    assert RAN == ["before", "in a released savepoint", "after"]


def test_a_rollback_drops_every_job_of_the_transaction(app):
    RAN.clear()
    with app.app_context():
        db.session.execute(text("SELECT 1"))  # a transaction begun, as a request's work begins one
        enqueue_after_commit(remember, "lost")
        db.session.rollback()
        db.session.commit()
    assert RAN == []
