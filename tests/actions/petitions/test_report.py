"""The report's figures: confirmed signatures only, days in UTC with the empty ones included."""

from __future__ import annotations

from datetime import UTC, date, datetime

from organiser.actions.petitions.models import Petition, PetitionStatus, Signature, SignatureState
from organiser.actions.petitions.report import TOP, chart_sections, report
from organiser.db import db
from organiser.people.services import upsert_person
from tests.factories import CoalitionFactory, PetitionFactory


def _petition(opened_at: datetime) -> Petition:
    coalition = CoalitionFactory()
    petition = PetitionFactory(
        coalition_id=coalition.id,
        title="T",
        slug="t",
        ask="A",
        status=PetitionStatus.OPEN,
        opened_at=opened_at,
    )
    db.session.add(petition)
    db.session.flush()
    return petition


def _signature(petition: Petition, n: int, confirmed_at: datetime | None, **fields: str) -> None:
    person = upsert_person(petition.coalition_id, f"p{n}@example.org", name=f"P{n}")
    db.session.add(
        Signature(
            petition_id=petition.id,
            person_id=person.id,
            name=f"P{n}",
            confirmed_at=confirmed_at,
            state=SignatureState.COUNTED if confirmed_at else SignatureState.PENDING,
            **fields,
        )
    )
    db.session.flush()


def test_signatures_by_day_since_opening_in_utc(app):
    with app.app_context():
        petition = _petition(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))
        _signature(petition, 1, datetime(2027, 3, 10, 23, 30, tzinfo=UTC), region="Leeds", source="wbg")
        _signature(petition, 2, datetime(2027, 3, 12, 0, 10, tzinfo=UTC), region="Leeds", country="GB")
        _signature(petition, 3, None, region="Cardiff")  # not confirmed: not counted
        data = report(petition, now=datetime(2027, 3, 12, 12, 0, tzinfo=UTC))
        assert data.by_day == [(date(2027, 3, 10), 1), (date(2027, 3, 11), 0), (date(2027, 3, 12), 1)]
        assert data.by_region == [("Leeds", 2)]
        assert data.by_source == [("No source (the petition's own page)", 1), ("wbg", 1)]
        assert data.by_country == [("Not given", 1), ("United Kingdom", 1)]
        sections = chart_sections(data)
        assert [s.id for s in sections] == ["by-day", "by-source", "by-region", "by-country"]
        assert sections[0].rows[0] == ("10 Mar", 1) and 'role="img"' in sections[0].svg
        assert "2 in all; the most, 2, for Leeds." in sections[2].svg


def test_at_most_thirty_days_and_the_smallest_categories_added_up(app):
    with app.app_context():
        petition = _petition(datetime(2026, 1, 1, tzinfo=UTC))
        for n in range(TOP + 2):
            _signature(petition, n, datetime(2027, 3, 1, 12, 0, tzinfo=UTC), region=f"Region {n:02d}")
        data = report(petition, now=datetime(2027, 3, 30, 8, 0, tzinfo=UTC))
        assert len(data.by_day) == 30 and data.by_day[0] == (date(2027, 3, 1), TOP + 2)
        assert data.by_day[-1] == (date(2027, 3, 30), 0)
        assert len(data.by_region) == TOP and data.by_region[-1] == ("Other", 3)
