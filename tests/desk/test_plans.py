"""On PostgreSQL the desk's queries can be answered from indexes (migration 0030, ``*_desk``): the
queries are run as the page runs them (their parameters bound as the driver binds them) and each is
explained with the same parameters, with sequential scans made as dear as they get (so any usable
index is used, whatever the few rows here): none reads a table that grows with the supporters
whole, and each index made for the desk serves one of them (its partial ``WHERE`` matches)."""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, insert, text

from organiser.actions.letters.models import Letter, LetterStatus
from organiser.actions.petitions.models import Signature, SignatureState
from organiser.assemblies.models import Registration, RegistrationStatus
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.desk.board import build
from organiser.messaging.models import MailingStatus, OutboxMessage, OutboxStatus
from organiser.people.models import ConsentEvent, ConsentSubject, Person
from organiser.web.periods import Period
from tests.desk.conftest import at
from tests.factories import (
    AssemblyFactory,
    CoalitionFactory,
    LetterCampaignFactory,
    MailingFactory,
    PetitionFactory,
)

ROWS = 10_000
FIRST = at("2024-01-01 00:00")
# The tables that grow with the supporters: never read whole.
LARGE = ("signatures", "letters", "assembly_registrations", "people", "outbox_messages", "consent_events")
# Each read by some desk query.
INDEXES = (
    "ix_signatures_confirmed_desk",
    "ix_letters_confirmed_desk",
    "ix_assembly_registrations_waitlist",
    "ix_people_tree_joined",  # the supporters list's, made in 0031
    "ix_outbox_messages_sent_desk",
    "ix_consent_events_withdrawn_desk",
)


def _moments(n: int):
    rng = random.Random(16)
    return [FIRST + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)) for _ in range(n)]


def _seed(tree: Coalition, chapter: Coalition) -> None:
    petitions = [PetitionFactory(coalition_id=c.id).id for c in (tree, chapter, chapter)]
    campaign = LetterCampaignFactory(coalition_id=chapter.id).id
    assembly = AssemblyFactory(coalition_id=chapter.id).id
    mailing = MailingFactory(
        coalition_id=chapter.id, status=MailingStatus.SENT, started_at=at("2025-12-30 08:00")
    ).id
    times = _moments(ROWS)
    people = [
        {"tree_id": tree.id, "email": f"p{i}@example.org", "created_at": t} for i, t in enumerate(times)
    ]
    db.session.execute(insert(Person), people)
    ids = [p.id for p in db.session.query(Person.id).filter(Person.tree_id == tree.id).order_by(Person.id)]
    db.session.execute(
        insert(Signature),
        [
            {
                "petition_id": petitions[i % 3],
                "person_id": ids[i],
                "name": "S",
                "state": SignatureState.COUNTED,
                "confirmed_at": t,
            }
            for i, t in enumerate(times)
        ],
    )
    db.session.execute(
        insert(Letter),
        [
            {
                "campaign_id": campaign,
                "person_id": ids[i],
                "name": "W",
                "subject": "s",
                "body": "b",
                "status": LetterStatus.SENT,
                "confirmed_at": t,
            }
            for i, t in enumerate(times[: ROWS // 2])
        ],
    )
    db.session.execute(
        insert(Registration),
        [
            {
                "assembly_id": assembly,
                "person_id": ids[i],
                "name": "R",
                "email": "r@example.org",
                "status": RegistrationStatus.CONFIRMED,
                "confirmed_at": t,
            }
            for i, t in enumerate(times[: ROWS // 2])
        ],
    )
    db.session.execute(
        insert(OutboxMessage),
        [
            {
                "idempotency_key": f"mailing:{mailing}:person:{ids[i]}",
                "mailing_id": mailing,
                "person_id": ids[i],
                "recipient": f"p{i}@example.org",
                "sender": "x",
                "subject": "s",
                "status": OutboxStatus.SENT,
                "sent_at": t,
            }
            for i, t in enumerate(times)
        ],
    )
    db.session.execute(
        insert(ConsentEvent),
        [
            {
                "person_id": ids[i],
                "subject_type": ConsentSubject.COALITION,
                "subject_id": chapter.id,
                "given": i % 50 != 0,
                "created_at": t,
            }
            for i, t in enumerate(times)
        ],
    )


@contextmanager
def _statements():
    connection = db.session.connection()
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_each_desk_query_reads_its_index_on_postgresql(app):
    with app.app_context():
        if db.session.get_bind().dialect.name != "postgresql":
            return  # SQLite: no such indexes (the embedded default holds a demo's worth of rows)
        tree = CoalitionFactory(country=None)
        chapter = CoalitionFactory(parent=tree, country="ZM")
        _seed(tree, chapter)
        db.session.flush()
        for table in (
            "people",
            "signatures",
            "letters",
            "outbox_messages",
            "consent_events",
            "assembly_registrations",
        ):
            db.session.execute(text(f"ANALYZE {table}"))
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        with _statements() as seen:
            build(tree, Period(date(2025, 12, 20), date(2025, 12, 31), "Africa/Lusaka"))
        connection = db.session.connection()
        plans, problems = [], []
        for statement, parameters in seen:
            plan = "\n".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            plans.append(plan)
            problems += [
                f"{table} read whole:\n{statement}\n{plan}"
                for table in LARGE
                if f"Seq Scan on {table}" in plan
            ]
        assert not problems, "\n\n".join(problems)
        unused = [index for index in INDEXES if not any(index in plan for plan in plans)]
        assert not unused, f"indexes no desk query reads: {unused}"
