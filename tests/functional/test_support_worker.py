"""With Redis, signatures come through the intake and a real worker's count job places them in their
areas as it counts them; the worker's sweep places what was left without an area."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import select, update

from organiser.actions.petitions.models import PetitionStatus, Signature
from organiser.actions.petitions.support.models import PetitionArea
from organiser.actions.targets.lookup.models import AreaKey
from organiser.db import db
from tests.conftest import worker_env
from tests.factories import CoalitionFactory, PetitionFactory
from tests.helpers import links_in, path_of, text_of

pytestmark = pytest.mark.worker

SLUG = "fair-tax"
POSTCODES = ["LS6 1AA", "ls6 2bb", "BS8 1TH", "EH6 5AB", "CF10 1AA"]
BY_AREA = [
    {"code": "E14001336", "name": "Leeds Central and Headingley", "count": 2},
    {"code": "E14001131", "name": "Bristol Central", "count": 1},
    {"code": "S14000104", "name": "Edinburgh North and Leith", "count": 1},
]


def _open_petition(app) -> None:
    with app.app_context():
        coalition = CoalitionFactory(slug="sia")
        for key, code, name in (
            ("LS6", "E14001336", "Leeds Central and Headingley"),
            ("BS8", "E14001131", "Bristol Central"),
            ("EH6", "S14000104", "Edinburgh North and Leith"),
        ):
            db.session.add(AreaKey(coalition_id=coalition.id, key=key, area_code=code, area_name=name))
        PetitionFactory(coalition_id=coalition.id, slug=SLUG, status=PetitionStatus.OPEN)
        db.session.commit()


def _support(client, signatures: int, timeout: float = 20) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while (found := client.get(f"/petitions/{SLUG}/support.json").json)["signature_count"] != signatures:
        assert time.monotonic() < deadline, f"stayed at {found}"
        time.sleep(0.1)
    return found


def test_a_real_worker_places_signatures_in_their_areas_as_it_counts_them(live, rq_worker, mail, smtp_server):
    _open_petition(live)
    client = live.test_client()
    for n, postcode in enumerate(POSTCODES):
        email = f"signer{n}@example.org"
        data = {"name": f"Signer {n}", "email": email, "region": postcode, "country": "GB"}
        page = client.post(f"/petitions/{SLUG}/sign", data=data, environ_base={"REMOTE_ADDR": f"10.1.0.{n}"})
        assert "check your e-mail" in text_of(page).lower()
        [message] = mail.wait_for_to(email)
        client.post(path_of(links_in(message)[0]))
    assert _support(client, 5) == {"petition": SLUG, "signature_count": 5, "by_area": BY_AREA, "other": 1}

    rq_worker.terminate()
    rq_worker.wait(10)
    with live.app_context():  # as if placing had failed, or the signatures predated areas
        db.session.execute(update(Signature).values(area=None))
        db.session.execute(update(PetitionArea).values(signatures=0))
        db.session.commit()
    assert client.get(f"/petitions/{SLUG}/support.json").json["by_area"] == []
    proc = subprocess.run(
        [sys.executable, "-m", "organiser", "worker", "--burst"],
        env=worker_env(live, smtp_server),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout.decode()[-2000:]
    assert client.get(f"/petitions/{SLUG}/support.json").json["by_area"] == BY_AREA, "the sweep placed them"
    with live.app_context():
        assert db.session.scalars(select(Signature.area).where(Signature.area.is_(None))).all() == []
