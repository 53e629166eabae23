"""With Redis, confirmations are counted by a real RQ worker's count job, one queued per petition,
and the worker's sweep counts what Redis lost."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from organiser.actions.petitions import intake
from organiser.actions.petitions.models import PetitionStatus, Signature
from organiser.actions.petitions.services import confirmation_token
from organiser.db import db
from tests.conftest import worker_env
from tests.factories import CoalitionFactory, PetitionFactory
from tests.helpers import links_in, path_of, text_of

pytestmark = pytest.mark.worker

SIGN, COUNT = "/petitions/fair-tax/sign", "/petitions/fair-tax/count.json"


def _open_petition(app) -> None:
    with app.app_context():
        coalition = CoalitionFactory(slug="sia")
        PetitionFactory(
            coalition_id=coalition.id,
            title="Tax wealth fairly",
            slug="fair-tax",
            ask="Tax wealth like work.",
            status=PetitionStatus.OPEN,
            opened_at=None,
        )
        db.session.commit()


def _sign(client, name: str, email: str) -> None:
    page = client.post(SIGN, data={"name": name, "email": email})
    assert "check your e-mail" in text_of(page).lower()


def _burst_worker(live, smtp_server) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "organiser", "worker", "--burst"],
        env=worker_env(live, smtp_server),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout.decode()[-2000:]


def _wait_for_count(client, expected: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while (count := client.get(COUNT).json["count"]) != expected:
        assert time.monotonic() < deadline, f"count stayed at {count}, expected {expected}"
        time.sleep(0.1)


def test_a_real_worker_counts_a_confirmation_within_seconds(live, rq_worker, mail):
    _open_petition(live)
    client = live.test_client()
    _sign(client, "Grace Hughes", "grace@example.org")
    [message] = mail.wait_for_to("grace@example.org")
    assert client.post(path_of(links_in(message)[0])).status_code == 200
    _wait_for_count(client, 1)
    with live.app_context():
        assert db.session.scalar(select(Signature.state)) == "counted"


def test_one_count_job_per_petition_and_the_sweep_counts_what_redis_lost(live, smtp_server, mail):
    _open_petition(live)
    client = live.test_client()
    for n in range(3):
        _sign(client, f"Signer {n}", f"signer{n}@example.org")
    redis = Redis.from_url(live.config["REDIS_URL"])
    queued = [job.func_name for job in Queue("transactional", connection=redis).get_jobs()]
    assert queued == ["organiser.actions.petitions.intake.ingest_signatures"], "three signers, one intake job"
    with live.app_context():
        assert intake.pending() == 3 and not db.session.scalars(select(Signature)).all(), "they wait in Redis"
    _burst_worker(live, smtp_server)  # writes them (and sends their links)
    with live.app_context():
        tokens = [confirmation_token(s) for s in db.session.scalars(select(Signature).order_by(Signature.id))]
    assert len(tokens) == 3 and len(mail.messages) == 3, "the intake job sent the three links"
    for token in tokens:  # no worker runs: the count waits in Redis
        client.post(f"/petitions/fair-tax/confirm/{token}")
    jobs = Queue("transactional", connection=redis).get_jobs()
    assert [job.func_name for job in jobs].count("organiser.actions.petitions.counting.count_signatures") == 1
    names = [job.func_name for job in jobs]
    assert "organiser.messaging.jobs.deliver_messages" not in names
    assert client.get(COUNT).json["count"] == 0

    redis.flushdb()  # as if Redis restarted empty: the count job is lost
    _burst_worker(live, smtp_server)
    assert client.get(COUNT).json["count"] == 3, "the worker's sweep counted them"
    with live.app_context():
        assert set(db.session.scalars(select(Signature.state))) == {"counted"}


def test_a_burst_of_signers_gets_every_confirmation_through_one_waiting_job(live, rq_worker, mail):
    _open_petition(live)
    client = live.test_client()
    addresses = [f"burst{n}@example.org" for n in range(12)]
    for n, address in enumerate(addresses):  # from as many addresses: one IP may sign 10 a minute
        page = client.post(
            SIGN, data={"name": f"Burst {n}", "email": address}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
        )
        assert "check your e-mail" in text_of(page).lower()
    for address in addresses:
        [message] = mail.wait_for_to(address)
        assert "fair-tax/confirm/" in links_in(message)[0]
    assert len(mail.messages) == 12, "each once"
