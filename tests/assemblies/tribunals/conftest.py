"""A tribunal with two charges, its coordinator and a witness's person record, inside a request."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from organiser.assemblies.models import AssemblyKind
from organiser.assemblies.tribunals import models as tm
from organiser.core.models import Role
from organiser.db import db
from tests.factories import AssemblyFactory, CoalitionFactory, user_with_role


@pytest.fixture
def tribunal(app):
    with app.test_request_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", country="ZM")
        assembly = AssemblyFactory(coalition_id=zambia.id, kind=AssemblyKind.TRIBUNAL, slug="debt-tribunal")
        coordinator = user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@example.org")
        charges = [
            tm.Charge(assembly_id=assembly.id, position=n, title=title, accused="The IMF")
            for n, title in enumerate(("Austerity", "Clinics closed", "Schools"), start=1)
        ]
        db.session.add_all(charges)
        db.session.flush()
        yield SimpleNamespace(assembly=assembly, coordinator=coordinator, charges=charges)


def make_testimony(assembly, **fields) -> tm.Testimony:
    values = {
        "name": "Hidden Person",
        "email": "hidden@example.org",
        "account": "What happened.",
        "publication": tm.Publication.ANONYMOUS,
        "status": tm.TestimonyStatus.SUBMITTED,
        **fields,
    }
    row = tm.Testimony(assembly_id=assembly.id, **values)
    db.session.add(row)
    db.session.flush()
    return row
