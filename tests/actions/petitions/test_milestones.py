"""check_milestones: the thresholds, the claim that tells people once, concurrent callers included."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from organiser.actions.petitions import milestones
from organiser.actions.petitions.models import Petition, PetitionMilestone, PetitionStatus
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import OutboxMessage
from tests.factories import CoalitionFactory, PetitionFactory, user_with_role


def test_parse_milestones_accepts_lists_and_explains_the_rest():
    assert milestones.parse_milestones("1000, 100 500;100") == [100, 500, 1000]
    assert milestones.parse_milestones("  ") == []
    for bad in ("100, x", "-5", "1.5", "0", "100000001", ", ".join(str(n) for n in range(1, 30))):
        with pytest.raises(ValueError):
            milestones.parse_milestones(bad)


def _petition(count: int, goal: int = 10, marks: list[int] | None = None) -> Petition:
    coalition = CoalitionFactory()
    user_with_role(Role.COALITION_COORDINATOR, coalition.id, email=f"c{coalition.id}@example.org")
    petition = PetitionFactory(
        coalition_id=coalition.id,
        title="T",
        slug=f"t-{coalition.id}",
        ask="A",
        goal=goal,
        milestones=marks or [],
        status=PetitionStatus.OPEN,
        signature_count=count,
        opened_at=None,
    )
    db.session.add(petition)
    db.session.flush()
    return petition


def test_check_milestones_returns_each_new_threshold_once(app):
    with app.app_context():
        petition = _petition(count=7, goal=10, marks=[5, 1, 20])
        assert milestones.thresholds(petition) == [1, 5, 10, 20]
        assert milestones.check_milestones(petition) == [1, 5]
        assert milestones.check_milestones(petition) == []
        petition.signature_count = 25
        assert milestones.check_milestones(petition) == [10, 20]
        sent = db.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.subject.contains("reached"))
        )
        assert sorted(sent) == ["“T” has reached 20 signatures", "“T” has reached 5 signatures"]


def test_a_threshold_is_claimed_once_even_when_already_recorded(app):
    with app.app_context():
        petition = _petition(count=0)
        assert milestones._claim(petition.id, 10) is True
        assert milestones._claim(petition.id, 10) is False
        assert db.session.scalar(select(PetitionMilestone.threshold)) == 10


def test_concurrent_checks_tell_people_once(live):
    """Two transactions check the same crossing at once on PostgreSQL: the second one's insert waits
    for the first to commit, then finds the threshold taken and sends nothing."""
    with live.app_context():
        petition = _petition(count=10, goal=10)
        db.session.commit()
        petition_id = petition.id
    first_claimed, release = threading.Event(), threading.Event()
    results: dict[str, list[int]] = {}

    def first() -> None:
        with live.app_context():
            results["first"] = milestones.check_milestones(db.session.get(Petition, petition_id))
            first_claimed.set()
            release.wait(10)
            db.session.commit()

    def second() -> None:
        with live.app_context():
            results["second"] = milestones.check_milestones(db.session.get(Petition, petition_id))
            db.session.commit()

    a = threading.Thread(target=first)
    a.start()
    assert first_claimed.wait(10)
    b = threading.Thread(target=second)
    b.start()
    b.join(1.0)
    assert b.is_alive(), "the second insert waits for the first transaction"
    release.set()
    a.join(10)
    b.join(10)
    assert results == {"first": [10], "second": []}
    with live.app_context():
        assert db.session.scalar(select(func.count()).select_from(PetitionMilestone)) == 1
        told = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.subject.contains("goal"))
        )
        assert list(told) == [f"c{db.session.scalar(select(Petition.coalition_id))}@example.org"]
