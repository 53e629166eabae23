"""Where support comes from: the count job places each counted signature in its area (through the
coalition's lookup table, or by the region as typed), the tally survives erasure and follows
invalidation and its revert, and only areas and counts are published."""

from __future__ import annotations

from sqlalchemy import select, update

from organiser.actions.petitions import abuse
from organiser.actions.petitions.counting import add_confirmed
from organiser.actions.petitions.models import Petition, Signature, SignatureState
from organiser.actions.petitions.support.page import petition_support, shade_classes
from organiser.actions.petitions.support.placing import rebuild, sweep_areas, tally_of
from organiser.actions.petitions.support.tally import as_json, support_of
from organiser.actions.targets.lookup.models import AreaKey
from organiser.db import db, utcnow
from organiser.people.services import upsert_person
from organiser.privacy.services.erasure import erase_person
from tests.factories import CoalitionFactory, PetitionFactory, UserFactory

TABLE = {  # key: (area code, area name)
    "LS6": ("E14001336", "Leeds Central and Headingley"),
    "LS1": ("E14001336", "Leeds Central and Headingley"),
    "BS8": ("E14001131", "Bristol Central"),
    "EH6 5": ("S14000104", "Edinburgh North and Leith"),
}


def _petition(*, table: bool, sensitive: bool = False) -> Petition:
    coalition = CoalitionFactory(sensitive=sensitive)
    if table:
        for key, (code, name) in TABLE.items():
            db.session.add(AreaKey(coalition_id=coalition.id, key=key, area_code=code, area_name=name))
    return PetitionFactory(coalition_id=coalition.id)


def _sign(petition: Petition, regions: list[str], *, start: int = 0) -> list[Signature]:
    """Confirmed signatures (one person each) from these regions, then the count job."""
    signatures = []
    for n, region in enumerate(regions, start=start):
        person = upsert_person(petition.coalition_id, f"s{n}@example.org", name=f"Signer {n}")
        signature = Signature(
            petition_id=petition.id,
            person_id=person.id,
            name=f"Signer {n}",
            region=region,
            state=SignatureState.CONFIRMED,
            confirmed_at=utcnow(),
        )
        db.session.add(signature)
        signatures.append(signature)
    db.session.flush()
    add_confirmed(petition.id)
    return signatures


def _tally(petition: Petition) -> dict[str, int]:
    return {key: row.signatures for key, row in tally_of(petition.id).items() if row.signatures}


def test_postcodes_are_placed_through_the_lookup_table_in_the_count_job(app):
    with app.app_context():
        petition = _petition(table=True)
        signatures = _sign(
            petition,
            ["ls6 1aa", "LS1 4DY", "LS6", "bs8 1th", "EH6 5AB", "Cardiff", "", "LS6 3HN", "E\u0301H6 5AB"],
        )
        assert [s.area for s in db.session.scalars(select(Signature).order_by(Signature.id))] == [
            "E14001336",
            "E14001336",
            "E14001336",
            "E14001131",
            "S14000104",
            "",  # a town the table does not know
            "",  # no region given
            "E14001336",
            "",  # not a postcode the table knows (a combining accent)
        ]
        assert len(signatures) == petition.signature_count == 9
        assert _tally(petition) == {"E14001336": 4, "E14001131": 1, "S14000104": 1, "": 3}
        support = support_of(petition)
        assert [(a.code, a.name, a.count) for a in support.areas] == [
            ("E14001336", "Leeds Central and Headingley", 4),
            ("E14001131", "Bristol Central", 1),  # 1 is published, as the UK petitions site does
            ("S14000104", "Edinburgh North and Leith", 1),
        ]
        assert support.other == 3 and support.placed == 6
        assert as_json(petition, support) == {
            "petition": petition.slug,
            "signature_count": 9,
            "by_area": [
                {"code": "E14001336", "name": "Leeds Central and Headingley", "count": 4},
                {"code": "E14001131", "name": "Bristol Central", "count": 1},
                {"code": "S14000104", "name": "Edinburgh North and Leith", "count": 1},
            ],
            "other": 3,
        }


def test_without_a_table_districts_and_places_as_typed_and_few_typed_places_are_not_shown(app):
    with app.app_context():
        petition = _petition(table=False)
        _sign(
            petition,
            ["LS6 1AA", "ls61aa", "LS6", "leeds", "LEEDS ", " Leeds", "Mongu", "Mongu", "12 <b>Road</b>", ""],
        )
        assert _tally(petition) == {"LS6": 3, "Leeds": 3, "Mongu": 2, "": 2}
        support = support_of(petition)
        assert [(a.code, a.name, a.count) for a in support.areas] == [("", "Leeds", 3), ("LS6", "LS6", 3)]
        assert support.other == 4  # Mongu (2 < 3: typed text is shown from 3 signers), the rest
        _sign(petition, ["MONGU"], start=20)
        assert ("", "Mongu", 3) in [(a.code, a.name, a.count) for a in support_of(petition).areas]


def test_a_sensitive_coalition_shows_no_area_with_fewer_than_three(app):
    with app.app_context():
        petition = _petition(table=True, sensitive=True)
        _sign(petition, ["LS6 1AA", "LS6 2AA", "LS6 3AA", "BS8 1TH"])
        support = support_of(petition)
        assert [(a.name, a.count) for a in support.areas] == [("Leeds Central and Headingley", 3)]
        assert support.other == 1


def test_an_erased_signer_stays_counted_in_their_area_through_an_invalidation_and_its_revert(app):
    with app.app_context():
        petition = _petition(table=True)
        signatures = _sign(petition, ["LS6 1AA", "BS8 1TH", "BS8 2TH"])
        for s in signatures:
            s.email_domain = "spam.example" if s.region == "BS8 2TH" else "example.org"
        erase_person(signatures[0].person, requested_by="the person")
        db.session.refresh(signatures[0])
        assert (signatures[0].region, signatures[0].name, signatures[0].area) == ("", "", "E14001336")
        coordinator = UserFactory()
        record = abuse.invalidate(
            petition, abuse.SignatureFilter(domain="spam.example"), reason="a bot", by=coordinator
        )
        assert _tally(petition) == {"E14001336": 1, "E14001131": 1}
        assert petition.signature_count == 2
        abuse.revert(record, by=coordinator)
        assert _tally(petition) == {"E14001336": 1, "E14001131": 2}
        assert sum(a.count for a in support_of(petition).areas) == petition.signature_count == 3


def test_the_sweep_places_signatures_counted_before_there_were_areas(app):
    with app.app_context():
        petition = _petition(table=True)
        _sign(petition, ["LS6 1AA", "BS8 1TH"])
        db.session.execute(update(Signature).values(area=None))  # as the migration leaves them
        for row in tally_of(petition.id).values():
            db.session.delete(row)
        db.session.commit()  # the sweep works in transactions of its own
        assert support_of(petition).areas == [] and petition_support(petition) is None
        assert sweep_areas() == 2
        assert _tally(petition) == {"E14001336": 1, "E14001131": 1}


def test_the_shades_step_evenly_up_to_the_largest_count():
    assert shade_classes(1) == [(1, 1, "#6b1f5b")]
    assert [(low, high) for low, high, _shade in shade_classes(7)] == [(1, 2), (3, 3), (4, 5), (6, 6), (7, 7)]
    assert [(low, high) for low, high, _shade in shade_classes(1000)][-1] == (801, 1000)
    assert len({shade for _l, _h, shade in shade_classes(2)}) == 2


def test_a_lost_tally_is_rebuilt_from_the_signatures_areas_with_their_names(app):
    with app.app_context():
        with_table, without = _petition(table=True), _petition(table=False)
        _sign(with_table, ["LS6 1AA", "BS8 1TH"])
        _sign(without, ["LS6 1AA", "Leeds", "leeds", "LEEDS"], start=10)
        for petition in (with_table, without):
            for row in tally_of(petition.id).values():
                db.session.delete(row)
            db.session.flush()
            rebuild(petition)
        names = {(r.area, r.kind, r.name, r.signatures) for r in tally_of(with_table.id).values()}
        assert names == {
            ("E14001336", "area", "Leeds Central and Headingley", 1),
            ("E14001131", "area", "Bristol Central", 1),
        }
        names = {(r.area, r.kind, r.name, r.signatures) for r in tally_of(without.id).values()}
        assert names == {("LS6", "district", "LS6", 1), ("Leeds", "place", "Leeds", 3)}
