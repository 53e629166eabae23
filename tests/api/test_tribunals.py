"""Testimonies through the API: only the published ones, the witness named only as they chose; and an
assembly's demands with their status (an organisation's key: only those the assembly decided)."""

from __future__ import annotations

import pytest

from organiser.assemblies.demands.models import Demand, DemandStatus
from organiser.assemblies.models import Assembly, AssemblyStatus
from organiser.assemblies.tribunals import models as tribunals
from organiser.db import db, utcnow


@pytest.fixture
def tribunal(app, world):
    with app.app_context():
        assembly = db.session.get(Assembly, world.tree.assembly)
        assembly.status = AssemblyStatus.PUBLISHED
        accounts = {
            "named": (tribunals.Publication.NAMED, tribunals.TestimonyStatus.APPROVED),
            "pseudonym": (tribunals.Publication.PSEUDONYM, tribunals.TestimonyStatus.APPROVED),
            "anonymous": (tribunals.Publication.ANONYMOUS, tribunals.TestimonyStatus.APPROVED),
            "panel only": (tribunals.Publication.NOT_PUBLIC, tribunals.TestimonyStatus.APPROVED),
            "waiting": (tribunals.Publication.NAMED, tribunals.TestimonyStatus.SUBMITTED),
        }
        for account, (publication, status) in accounts.items():
            db.session.add(
                tribunals.Testimony(
                    assembly_id=assembly.id,
                    name="Chipo Mwale",
                    pseudonym="Mama Land",
                    email="c@example.org",
                    account=account,
                    publication=publication,
                    status=status,
                )
            )
        db.session.add_all(
            [
                Demand(
                    assembly_id=assembly.id,
                    position=1,
                    text="Land titles for women",
                    status=DemandStatus.ADOPTED,
                    decided_at=utcnow(),
                    petition_id=world.tree.petition,
                ),
                Demand(assembly_id=assembly.id, position=2, text="Fund extension officers"),
            ]
        )
        db.session.commit()
    return world.tree.assembly


def test_only_published_testimonies_and_the_witness_named_as_they_chose(api, tribunal):
    for key in ("zambia", "zla"):
        body = api(f"/events/{tribunal}/testimonies", key).json
        shown = {t["organiser:account"]: t for t in body["_embedded"]["osdi:testimonies"]}
        assert set(shown) == {"named", "pseudonym", "anonymous"}, key
        assert shown["named"]["organiser:witness"] == "Chipo Mwale"
        assert shown["pseudonym"]["organiser:witness"] == "Mama Land"
        assert shown["anonymous"]["organiser:witness"] is None and shown["anonymous"]["organiser:anonymous"]
        assert "Chipo" not in str(shown["anonymous"]) and "c@example.org" not in str(body)


def test_demands_with_their_status_and_what_they_launched(api, tribunal, world):
    demands = api(f"/events/{tribunal}/demands", "zambia").json["_embedded"]["osdi:demands"]
    assert [d["organiser:status"] for d in demands] == ["adopted", "proposed"]
    assert demands[0]["_links"]["osdi:petition"]["href"].endswith(f"/petitions/{world.tree.petition}")
    decided = api(f"/events/{tribunal}/demands", "zla").json["_embedded"]["osdi:demands"]
    assert [d["organiser:text"] for d in decided] == ["Land titles for women"]
