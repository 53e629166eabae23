"""The sign intake (organiser/actions/intake.py): with Redis, a signature waits in Redis for the
batch job, which a real worker runs; the batch writes each signature once, whatever the batch holds."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from redis import Redis
from sqlalchemy import select

from organiser.actions.petitions import intake
from organiser.actions.petitions.models import Petition, PetitionStatus, Signature
from organiser.db import db, utcnow
from organiser.people.models import Person
from tests.conftest import worker_env
from tests.factories import CoalitionFactory, PetitionFactory
from tests.helpers import links_in, path_of, text_of

SIGN, COUNT = "/petitions/fair-tax/sign", "/petitions/fair-tax/count.json"
FORM = {"name": "Grace Hughes", "email": "Grace.Hughes@example.org", "region": "Leeds", "country": "GB"}


def _open_petition(app) -> int:
    with app.app_context():
        coalition = CoalitionFactory(slug="sia")
        petition = PetitionFactory(
            coalition_id=coalition.id,
            title="Tax wealth fairly",
            slug="fair-tax",
            ask="Tax wealth like work.",
            status=PetitionStatus.OPEN,
            opened_at=None,
        )
        db.session.add(petition)
        db.session.commit()
        return petition.id


def _wait_for_count(client, expected: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while (count := client.get(COUNT).json["count"]) != expected:
        assert time.monotonic() < deadline, f"count stayed at {count}, expected {expected}"
        time.sleep(0.1)


@pytest.mark.worker
def test_through_the_intake_a_signer_confirms_once_and_signing_again_is_told_by_email(live, rq_worker, mail):
    _open_petition(live)
    client = live.test_client()
    page = client.post(SIGN, data=FORM)
    assert page.status_code == 200 and "check your e-mail" in text_of(page).lower()
    assert "Set-Cookie" not in page.headers, "no session for an anonymous signer"
    [message] = mail.wait_for_to("grace.hughes@example.org")
    link = path_of(links_in(message)[0])
    with live.app_context():
        assert db.session.scalar(select(Signature.state)) == "pending" and intake.pending() == 0
    assert "Confirm" in text_of(client.get(link)), "a scanner's GET shows the button"
    with live.app_context():
        assert db.session.scalar(select(Signature.state)) == "pending", "and changes nothing"
    assert client.post(link).status_code == 200
    _wait_for_count(client, 1)

    mail.clear()
    again = client.post(SIGN, data={**FORM, "email": "GRACE.HUGHES@example.org"})
    assert "check your e-mail" in text_of(again).lower(), "the page tells no one whether an address signed"
    [told] = mail.wait_for_to("grace.hughes@example.org")
    assert "You have signed already" in told["Subject"] and "nothing more to do" in told.get_payload()
    for _n in range(3):  # and not more than a few times
        client.post(SIGN, data=FORM)
    time.sleep(3)
    assert len(mail.messages) == 2, [m["Subject"] for m in mail.messages]
    assert client.get(COUNT).json["count"] == 1, "signing again never counts twice"
    with live.app_context():
        assert db.session.scalar(select(Signature.confirmation_sends)) == 3
        assert len(db.session.scalars(select(Person)).all()) == 1


@pytest.mark.worker
def test_the_coarse_limit_answers_429_and_stores_nothing_and_over_the_petition_limit_is_silent(
    live, rq_worker, mail
):
    _open_petition(live)
    live.config.update(SIGN_RATE_LIMIT="3 per minute", SIGN_IP_LIMIT="2 per minute")
    try:
        client = live.test_client()
        codes = [
            client.post(
                SIGN, data={**FORM, "email": f"s{n}@example.org"}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
            ).status_code
            for n in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        mail.wait_for(2)
        deadline = time.monotonic() + 10
        with live.app_context():
            while len(states := db.session.scalars(select(Signature.state).order_by(Signature.id)).all()) < 3:
                assert time.monotonic() < deadline
                time.sleep(0.1)
                db.session.commit()
            assert states == ["pending", "pending", "over_limit"], "the fourth was never stored"
        time.sleep(1)
        assert sorted(m["To"] for m in mail.messages) == ["s0@example.org", "s1@example.org"]
    finally:
        live.config.update(
            SIGN_RATE_LIMIT="20 per minute;200 per hour", SIGN_IP_LIMIT="10 per minute;100 per hour"
        )


def test_a_batch_writes_each_person_once_keeps_the_flagged_silent_and_tells_who_signed_already(app, mail):
    petition_id = _open_petition(app)
    with app.app_context():
        db.session.add(
            Person(tree_id=db.session.get(Petition, petition_id).coalition_id, email="old@example.org")
        )
        db.session.flush()
        old = db.session.scalar(select(Person).where(Person.email == "old@example.org"))
        db.session.add(
            Signature(
                petition_id=petition_id,
                person_id=old.id,
                name="Old",
                state="counted",
                confirmed_at=utcnow(),
            )
        )
        db.session.commit()

        def entry(email: str, flagged: bool = False, name: str = "Ada") -> bytes:
            data = {"name": name, "email": email, "region": "Leeds", "country": "GB", "public_name": True}
            source = {"source": "", "ip": "198.51.100.1", "referrer": ""}
            return intake.encode(petition_id, data, source, "en", at=time.time(), flagged=flagged).encode()

        written = intake.write_batch(
            [
                entry("ada@example.org"),
                entry("bo@example.org", name="Bo"),
                entry("Ada@Example.org"),  # the same person again, in the same batch
                entry("bot@example.org", flagged=True),
                entry("old@example.org", name="Old"),
            ]
        )
        assert written == 5
        rows = {
            email: (state, sends)
            for email, state, sends in db.session.execute(
                select(Person.email, Signature.state, Signature.confirmation_sends).join(
                    Signature, Signature.person_id == Person.id
                )
            )
        }
        assert rows == {
            "ada@example.org": ("pending", 2),
            "bo@example.org": ("pending", 1),
            "bot@example.org": ("over_limit", 0),
            "old@example.org": ("counted", 1),
        }
    messages = mail.wait_for(4)
    subjects = sorted((m["To"], m["Subject"].split(":")[0]) for m in messages)
    assert subjects == [
        ("ada@example.org", "Confirm your signature"),
        ("ada@example.org", "Confirm your signature"),
        ("bo@example.org", "Confirm your signature"),
        ("old@example.org", "You have signed already"),
    ]
    follow = app.test_client()
    link = path_of(links_in(next(m for m in messages if m["To"] == "bo@example.org"))[0])
    assert follow.post(link).status_code == 200
    with app.app_context():
        bo = db.session.scalar(select(Signature).join(Person).where(Person.email == "bo@example.org"))
        assert bo.state in ("confirmed", "counted")


@pytest.mark.worker
def test_signatures_whose_job_was_lost_are_written_by_the_workers_sweep(live, smtp_server, mail):
    _open_petition(live)
    client = live.test_client()
    for n in range(2):
        client.post(SIGN, data={**FORM, "email": f"lost{n}@example.org"})
    redis = Redis.from_url(live.config["REDIS_URL"])
    redis.delete("rq:queue:transactional", intake.INGEST_FLAG)  # the job is gone and its flag expired
    with live.app_context():
        assert intake.pending() == 2 and not db.session.scalars(select(Signature)).all()
    proc = subprocess.run(
        [sys.executable, "-m", "organiser", "worker", "--burst"],
        env=worker_env(live, smtp_server),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout.decode()[-2000:]
    for n in range(2):  # the sweep queued a job: written, and each signer has their link
        [message] = mail.wait_for_to(f"lost{n}@example.org")
        assert "fair-tax/confirm/" in links_in(message)[0]
    with live.app_context():
        assert intake.pending() == 0 and len(db.session.scalars(select(Signature)).all()) == 2
