"""A threshold crossed under load: signatures through the intake and confirmations all at once, with
a real RQ worker writing and counting them in batches, tell each coordinator once — not once per
signature, nor once per count job."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from organiser.actions.petitions.models import PetitionMilestone, PetitionStatus
from organiser.actions.petitions.thresholds.models import NextStep, PetitionThreshold
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import OutboxMessage
from tests.factories import CoalitionFactory, PetitionFactory, user_with_role
from tests.helpers import links_in, path_of, text_of

pytestmark = pytest.mark.worker

SIGN, COUNT = "/petitions/fair-tax/sign", "/petitions/fair-tax/count.json"
SIGNERS, THRESHOLD = 24, 20
COORDINATORS = ("sia.coordinator@example.org", "trust.coordinator@example.org")


def _petition_with_a_threshold(app) -> None:
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        for email in COORDINATORS:
            user_with_role(Role.COALITION_COORDINATOR, sia.id, email=email)
        petition = PetitionFactory(
            coalition_id=sia.id, title="Tax wealth fairly", slug="fair-tax", status=PetitionStatus.OPEN
        )
        db.session.add(
            PetitionThreshold(
                petition_id=petition.id,
                signatures=THRESHOLD,
                next_step=NextStep.RESPONSE,
                details="The Chancellor is asked to reply.",
            )
        )
        db.session.commit()


def _address(n: int) -> str:
    return f"signer{n}@mail{n % 4}.example"  # under the per-domain limit (20 a minute per petition)


def _sign(live, n: int) -> None:
    page = live.test_client().post(
        SIGN,
        data={"name": f"Signer {n}", "email": _address(n)},
        environ_base={"REMOTE_ADDR": f"10.2.{n // 200}.{n % 200}"},
    )
    assert "check your e-mail" in text_of(page).lower()


def _confirm(live, link: str) -> int:
    return live.test_client().post(link).status_code


def _wait_for_count(client, expected: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (count := client.get(COUNT).json["count"]) != expected:
        assert time.monotonic() < deadline, f"count stayed at {count}, expected {expected}"
        time.sleep(0.2)


def test_a_threshold_crossed_under_load_tells_each_coordinator_once(live, rq_worker, mail):
    _petition_with_a_threshold(live)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: _sign(live, n), range(SIGNERS)))
    links = [path_of(links_in(mail.wait_for_to(_address(n))[0])[0]) for n in range(SIGNERS)]
    with ThreadPoolExecutor(max_workers=8) as pool:  # everyone confirms at once
        assert set(pool.map(lambda link: _confirm(live, link), links)) == {200}
    _wait_for_count(live.test_client(), SIGNERS)
    for email in COORDINATORS:
        [told] = [m for m in mail.wait_for_to(email) if "has reached" in m["Subject"]]
        assert told["Subject"] == f"“Tax wealth fairly” has reached {THRESHOLD} signatures"
        body = told.get_body(("plain",)).get_content()
        assert (
            "what happens next: The decision-maker is asked for a response: The Chancellor is asked" in body
        )
    time.sleep(2)  # any late count job would have told them again by now
    with live.app_context():
        told_rows = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.subject.contains("has reached"))
        ).all()
        assert sorted(told_rows) == sorted(COORDINATORS), "once each, not once per signature"
        claimed = (
            select(func.count())
            .select_from(PetitionMilestone)
            .where(PetitionMilestone.threshold == THRESHOLD)
        )
        assert db.session.scalar(claimed) == 1
    assert sum("has reached" in m["Subject"] for m in mail.messages) == len(COORDINATORS)
    page = text_of(live.test_client().get("/petitions/fair-tax"))
    assert f"At {THRESHOLD} signatures: The decision-maker is asked for a response" in page
    assert "reached on" in page
