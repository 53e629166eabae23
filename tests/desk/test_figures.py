"""The desk's figures, counted by the database on PostgreSQL and SQLite alike: days in the chosen
zone (times either side of midnight, clock changes), only what counts, an alliance's columns, new
supporters, growth, sources and mailings."""

from __future__ import annotations

from datetime import date

from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.desk.board import ALL, build
from organiser.web.cards import PETITION
from organiser.web.periods import Period
from tests.desk.conftest import PERIOD, at
from tests.factories import CoalitionFactory, PersonFactory, PetitionFactory, SignatureFactory


def _board(app, coalition_id: int, period: Period = PERIOD, by: str = "day"):
    with app.app_context():
        return build(db.session.get(Coalition, coalition_id), period, by)


def _unit(board, key: str):
    return next(u for u in board.units if u.key == key)


def test_a_chapter_counts_its_days_in_the_zone_and_only_what_counts(app, world):
    board = _board(app, world.zambia)
    zambia = board.main
    assert [u.key for u in board.units] == ["fia-zambia"] and board.chapters == []
    assert board.line(zambia, "signatures") == [2, 0, 1], "22:00 UTC is midnight in Lusaka; 21:59:59 is not"
    assert board.line(zambia, "letters") == [0, 1, 0]
    assert board.line(zambia, "registrations") == [0, 0, 1], "a cancelled registration does not count"
    assert board.line(zambia, "mail") == [0, 2, 0], "23:30 UTC on the 10th is the 11th in Lusaka"
    assert board.line(zambia, "people") == [2, 1, 1]
    before = {s: board.total_before(zambia, s) for s in ("people", "signatures", "letters", "mail")}
    assert before == {"people": 1, "signatures": 1, "letters": 0, "mail": 0}


def test_an_alliance_has_a_column_for_all_of_it_its_own_actions_and_each_chapter(app, world):
    board = _board(app, world.fia)
    assert [u.key for u in board.units] == [ALL, "fia", "fia-mexico", "fia-zambia"]
    assert [u.key for u in board.chapters] == ["fia", "fia-mexico", "fia-zambia"]
    totals = {
        u.key: {s: board.total(u, s) for s in ("people", "signatures", "letters", "registrations", "mail")}
        for u in board.units
    }
    assert totals["fia-zambia"] == {"people": 4, "signatures": 3, "letters": 1, "registrations": 1, "mail": 2}
    # Chipo signed in Mexico the day after she joined: not new to Mexico
    assert totals["fia-mexico"] == {"people": 0, "signatures": 1, "letters": 0, "registrations": 0, "mail": 0}
    assert totals["fia"] == {"people": 1, "signatures": 1, "letters": 0, "registrations": 0, "mail": 0}
    assert totals[ALL] == {"people": 6, "signatures": 5, "letters": 1, "registrations": 1, "mail": 2}
    assert board.line(board.main, "people") == [3, 2, 1], "Chipo is new once to FIA"
    assert board.total_before(board.main, "people") == 1
    chapters = [board.total_before(u, "people") for u in board.chapters]
    assert chapters == [0, 0, 1], "each chapter's new supporters compared with the period before too"
    assert board.total_before(_unit(board, "fia-zambia"), "signatures") == 1


def test_weeks_add_up_the_days_of_the_period_in_each(app, world):
    period = Period(date(2025, 3, 5), date(2025, 3, 12), "Africa/Lusaka")  # Wednesday to Wednesday
    board = _board(app, world.zambia, period, by="week")
    assert [(days[0], days[-1]) for days in board.buckets()] == [
        (date(2025, 3, 5), date(2025, 3, 9)),
        (date(2025, 3, 10), date(2025, 3, 12)),
    ]
    assert board.line(board.main, "signatures") == [1, 3]


def test_another_zone_moves_the_rows_to_its_own_days(app, world):
    board = _board(app, world.zambia, Period(date(2025, 3, 9), date(2025, 3, 12), "UTC"))
    assert board.line(board.main, "signatures") == [2, 1, 0, 2], "in UTC, 22:00 is still the same day"
    mexico = _board(app, world.mexico, Period(date(2025, 3, 10), date(2025, 3, 11), "America/Mexico_City"))
    assert mexico.line(mexico.main, "signatures") == [1, 0], (
        "03:00 UTC on the 11th is the 10th in Mexico City"
    )


def test_days_follow_the_clocks_changing_in_spring_and_autumn(app):
    """Europe/London: the clocks go forward at 01:00 UTC on 30 March 2025 and back at 01:00 UTC on
    26 October 2025. Both databases put each time on the same local day."""
    with app.app_context():
        sia = CoalitionFactory(name="SIA", slug="sia-clocks", country="GB")
        petition = PetitionFactory(coalition_id=sia.id)
        for when in (
            "2025-03-29 23:30",  # Saturday 23:30 GMT
            "2025-03-30 00:30",  # Sunday 00:30 GMT
            "2025-03-30 23:30",  # Monday 00:30 BST
            "2025-10-25 22:30",  # Saturday 23:30 BST
            "2025-10-25 23:30",  # Sunday 00:30 BST
            "2025-10-26 00:30",  # Sunday 01:30 BST, the first time
            "2025-10-26 01:30",  # Sunday 01:30 GMT, the second time
            "2025-10-26 23:30",  # Sunday 23:30 GMT
        ):
            SignatureFactory(petition_id=petition.id, confirmed_at=at(when))
        db.session.commit()
        spring = build(sia, Period(date(2025, 3, 29), date(2025, 3, 31), "Europe/London"))
        autumn = build(sia, Period(date(2025, 10, 25), date(2025, 10, 26), "Europe/London"))
    assert spring.line(spring.main, "signatures") == [1, 1, 1]
    assert autumn.line(autumn.main, "signatures") == [1, 4]


def test_a_coalition_with_no_alliance_counts_everyone_new_in_its_tree(app):
    with app.app_context():
        sia = CoalitionFactory(name="SIA", slug="sia-new", country="GB")
        PersonFactory(tree_id=sia.id, created_at=at("2025-06-02 10:00"))  # added, no action yet
        PersonFactory(tree_id=sia.id, created_at=at("2025-06-03 10:00"))
        db.session.commit()
        board = build(sia, Period(date(2025, 6, 1), date(2025, 6, 3), "Europe/London"))
    assert board.line(board.main, "people") == [0, 1, 1]


def test_actions_growing_fastest_and_the_most_active(app, world):
    board = _board(app, world.fia)
    top = [(a.action.title, a.coalition_name, a.this) for a in board.top_actions()]
    assert top == [
        ("Land for those who farm it", "FIA Zambia", 3),
        ("Agua para todos", "FIA Mexico", 1),
        ("Lusaka People's Assembly", "FIA Zambia", 1),
        ("Tax the richest 1%", "Fight Inequality Alliance", 1),
        ("Write to the Minister", "FIA Zambia", 1),
    ]
    growing = [(a.action.title, a.this, a.before) for a in board.growing()]
    assert growing[0] == ("Land for those who farm it", 3, 1)
    assert len(growing) == 5, "the others had nothing before"
    petition = next(a.action for a in board.actions if a.action.title == "Land for those who farm it")
    assert (petition.kind, petition.url) == (PETITION, f"/petitions/{world.slugs['zambia_petition']}")


def test_top_sources_name_the_sponsor_of_a_tracking_code(app, world):
    board = _board(app, world.fia)
    assert [(s.code, s.sponsor, s.count) for s in board.sources] == [
        ("", "", 2),  # the most first; among equals, by code
        ("radio", "", 2),  # a signature and a letter
        ("zla", "Zambia Land Alliance", 2),
    ]


def test_recent_mailings_with_their_unsubscribes_and_bounces(app, world):
    board = _board(app, world.fia)
    assert len(board.mailings) == 1, "an organisation's mailing is the organisation's"
    mailing = board.mailings[0]
    assert (mailing.subject, mailing.sent, mailing.failed) == ("March news", 2, 1)
    assert (mailing.unsubscribed, mailing.bounced, mailing.complaints) == (1, 2, 0)
    assert mailing.unsubscribe_rate == 0.5 and mailing.bounce_rate == 2 / 3


def test_a_zone_three_quarters_of_an_hour_off_the_hour(app):
    """Asia/Kathmandu is UTC+05:45: 18:14 UTC is 23:59 there, 18:15 UTC midnight."""
    with app.app_context():
        coalition = CoalitionFactory(name="Nepal", slug="nepal-quarter", country="NP")
        petition = PetitionFactory(coalition_id=coalition.id)
        for when in ("2025-05-01 18:14", "2025-05-01 18:15", "2025-05-02 18:14:59"):
            SignatureFactory(petition_id=petition.id, confirmed_at=at(when))
        db.session.commit()
        board = build(coalition, Period(date(2025, 5, 1), date(2025, 5, 2), "Asia/Kathmandu"))
    assert board.line(board.main, "signatures") == [1, 2]


def test_a_mailing_sent_over_midnight_counts_on_each_day(app, world):
    """Most mailings go out in a burst, on one day; one that runs past midnight (in the desk's zone),
    or began in the period before, is counted day by day."""
    from organiser.messaging.models import MailingStatus, OutboxStatus
    from tests.desk.conftest import _outbox
    from tests.factories import MailingFactory

    with app.app_context():
        long = MailingFactory(
            coalition_id=world.mexico,
            status=MailingStatus.SENT,
            started_at=at("2025-03-09 21:00"),
            finished_at=at("2025-03-10 23:00"),
        )
        for n, when in enumerate(
            ("2025-03-09 21:30", "2025-03-09 22:30", "2025-03-10 21:59", "2025-03-10 22:00")
        ):
            _outbox(long.id, None, f"m{n}@example.org", OutboxStatus.SENT, when)
        db.session.commit()
    board = _board(app, world.fia)
    mexico = _unit(board, "fia-mexico")
    assert board.line(mexico, "mail") == [2, 1, 0], "22:00 UTC is midnight in Lusaka"
    assert board.total_before(mexico, "mail") == 1
    assert board.line(board.main, "mail") == [2, 3, 0], "FIA Zambia's burst on the 11th, and Mexico's"
