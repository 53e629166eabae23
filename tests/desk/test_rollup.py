"""The desk keeps the counts of days gone by (``organiser.desk.rollup``): a settled day is counted
once and read back after that; today is always counted afresh; invalidating signatures makes the
tree's days counted again; the workers' sweep keeps the days that have just settled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from organiser.actions.letters.models import LetterStatus
from organiser.actions.petitions.abuse import SignatureFilter, invalidate
from organiser.actions.petitions.models import Petition, SignatureState
from organiser.coalitions.models import Coalition
from organiser.db import db, utcnow
from organiser.desk import rollup
from organiser.desk.board import build
from organiser.desk.models import DeskDay, DeskDayCounted
from organiser.messaging.figures import WINDOW, recent_mailings
from organiser.messaging.models import Mailing, MailingOutcome, OutboxStatus
from organiser.web.periods import last_days
from tests.desk.conftest import PERIOD, ZONE, _outbox, at
from tests.factories import LetterFactory, SignatureFactory, UserFactory


def _zambia(app, world, period=PERIOD):
    return build(db.session.get(Coalition, world.zambia), period)


def test_days_gone_by_are_counted_once_and_read_back(app, world):
    with app.app_context():
        first = _zambia(app, world)
        counted = db.session.scalars(select(DeskDayCounted.day).where(DeskDayCounted.tree_id == world.fia))
        assert sorted(counted) == PERIOD.before().days() + PERIOD.days(), "the period and the one before"
        assert db.session.scalar(select(func.count()).select_from(DeskDay)) > 0
        # A row written into a kept day afterwards (as no real path does) is not seen: the day is kept.
        zambia_petition = world.ids["zambia_petition"]
        SignatureFactory(
            petition_id=zambia_petition, confirmed_at=at("2025-03-11 10:00"), state=SignatureState.COUNTED
        )
        again = _zambia(app, world)
        assert again.line(again.main, "signatures") == first.line(first.main, "signatures") == [2, 0, 1]
        assert db.session.scalar(select(func.count()).select_from(MailingOutcome)) >= 1, "finished mailings"


def test_invalidating_signatures_makes_the_trees_days_counted_again(app, world):
    with app.app_context():
        board = _zambia(app, world)
        assert board.total(board.main, "signatures") == 3
        petition = db.session.get(Petition, world.ids["zambia_petition"])
        everything = SignatureFilter(since=datetime(2000, 1, 1, tzinfo=UTC))
        invalidate(petition, everything, reason="a test", by=UserFactory())
        assert db.session.scalar(select(func.count()).select_from(DeskDayCounted)) == 0
        board = _zambia(app, world)
        assert board.total(board.main, "signatures") == 0


def test_today_is_counted_afresh_and_never_kept(app, world):
    with app.app_context():
        SignatureFactory(
            petition_id=world.ids["zambia_petition"], confirmed_at=utcnow(), state=SignatureState.COUNTED
        )
        today = last_days(1, ZONE)
        board = _zambia(app, world, today)
        assert board.total(board.main, "signatures") == 1
        kept = db.session.scalars(select(DeskDayCounted.day).where(DeskDayCounted.day >= today.first))
        assert list(kept) == []
        SignatureFactory(
            petition_id=world.ids["zambia_petition"], confirmed_at=utcnow(), state=SignatureState.COUNTED
        )
        board = _zambia(app, world, today)
        assert board.total(board.main, "signatures") == 2


def test_the_sweep_keeps_each_trees_settled_days_newest_first_a_few_at_a_time(app, world):
    now = datetime(2025, 3, 13, 1, 0, tzinfo=UTC)  # 03:00 in Lusaka: the 12th has settled

    def kept() -> set:
        return set(db.session.scalars(select(DeskDayCounted.day).where(DeskDayCounted.zone == ZONE)))

    with app.app_context():
        rollup.sweep(now)
        first = kept()
        assert max(first) == PERIOD.last and len(first) <= rollup.SWEEP_DAYS, "the newest days first"
        for _ in range(rollup.KEPT_DAYS // rollup.SWEEP_DAYS + 2):
            rollup.sweep(now + timedelta(minutes=5))
        assert len(kept()) == rollup.KEPT_DAYS, "then back to the longest period's start"
        rollup.sweep(now + timedelta(minutes=10))  # nothing new has settled: nothing more is counted
        assert len(kept()) == rollup.KEPT_DAYS
        board = _zambia(app, world)
        assert board.line(board.main, "signatures") == [2, 0, 1]


def test_a_sent_mailings_figures_are_kept_as_they_become_final(app, world):
    """Once sent, its messages sent and failed are kept; its unsubscribes are counted afresh until
    its window closes, then kept too."""
    with app.app_context():
        mailing = db.session.get(Mailing, world.ids["mailing"])
        mailing.finished_at = utcnow() - timedelta(days=1)  # its window is still open
        db.session.commit()
        [figures] = recent_mailings([world.zambia])
        assert (figures.sent, figures.failed, figures.unsubscribed) == (2, 1, 1)
        outcome = db.session.get(MailingOutcome, mailing.id)
        assert outcome is not None and not outcome.final
        _outbox(
            mailing.id, None, "late@example.org", OutboxStatus.SENT, "2025-03-11 00:00"
        )  # as nothing does
        [figures] = recent_mailings([world.zambia])
        assert figures.sent == 2, "messages sent are kept once the mailing is sent"
        mailing.finished_at = utcnow() - WINDOW - timedelta(minutes=1)
        db.session.commit()
        recent_mailings([world.zambia])
        db.session.flush()
        assert db.session.get(MailingOutcome, mailing.id).final


def test_a_signature_and_a_letter_from_one_source_on_one_day_both_count_once_kept(app, world):
    with app.app_context():
        LetterFactory(
            campaign_id=world.ids["campaign"],
            status=LetterStatus.SENT,
            confirmed_at=at("2025-03-12 10:00"),  # the day of the radio signature (23:59 in Lusaka)
            source="radio",
        )
        board = _zambia(app, world)
        assert ("radio", 3) in [(s.code, s.count) for s in board.sources]
        again = _zambia(app, world)  # from the kept days
        assert [(s.code, s.count) for s in again.sources] == [(s.code, s.count) for s in board.sources]
