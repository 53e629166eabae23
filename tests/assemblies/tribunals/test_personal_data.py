"""Testimonies are the witness's own data: collected for their page and download, and erased with
them (blanked in place, files deleted, withdrawn so that nothing stays public)."""

from __future__ import annotations

from organiser.assemblies.tribunals import models as tm
from organiser.assemblies.tribunals.personal_data import TESTIMONIES
from organiser.db import db
from organiser.privacy.registry import personal_data_sources
from tests.assemblies.tribunals.conftest import make_testimony
from tests.factories import PersonFactory


def test_testimonies_are_collected_and_erased_with_the_witness(app, tribunal):
    assert TESTIMONIES in personal_data_sources()
    person, other = PersonFactory(), PersonFactory()
    own = make_testimony(
        tribunal.assembly, person_id=person.id, status=tm.TestimonyStatus.APPROVED, ip="10.0.0.1"
    )
    own.attachments.append(
        tm.TestimonyAttachment(filename="me.jpg", content_type="image/jpeg", data=b"x", size=1)
    )
    kept = make_testimony(tribunal.assembly, person_id=other.id, name="Someone Else")
    db.session.flush()

    [row] = TESTIMONIES.collect(person)
    assert (row["name"], row["email"], row["files"], row["status"]) == (
        "Hidden Person",
        "hidden@example.org",
        "me.jpg",
        "approved",
    )

    assert TESTIMONIES.erase(person) == 1
    db.session.expire_all()
    erased = db.session.get(tm.Testimony, own.id)
    assert (erased.person_id, erased.name, erased.email, erased.account, erased.ip) == (None, "", "", "", "")
    assert erased.status == tm.TestimonyStatus.WITHDRAWN and erased.attachments == []
    assert db.session.get(tm.Testimony, kept.id).name == "Someone Else"
    assert TESTIMONIES.collect(person) == []
