"""The fan-out engine with real RQ worker processes: pause and resume mid-send, and a worker
killed by SIGKILL mid-batch. Counted in what the SMTP server actually received."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import Mailing, MailingStatus, OutboxMessage
from organiser.people.models import ConsentSubject
from organiser.people.services import record_consent, upsert_person
from tests.conftest import worker_env
from tests.factories import PASSWORD, CoalitionFactory, user_with_role
from tests.helpers import csrf_token, sign_in, submit, text_of

pytestmark = pytest.mark.worker
SEGMENT = '{"kind": "coalition_supporters", "params": {}}'


def _supporters(app, n: int) -> set[str]:
    with app.app_context():
        coalition = CoalitionFactory(name="Fight Inequality Alliance Zambia", slug="fia-zm")
        user_with_role(Role.COALITION_COORDINATOR, coalition.id, email="coord@example.org")
        emails = {f"supporter{i:04d}@example.org" for i in range(n)}
        for email in sorted(emails):
            person = upsert_person(coalition.id, email, name=email.split("@")[0].title())
            record_consent(
                person, ConsentSubject.COALITION, coalition.id, given=True, wording="Keep me posted"
            )
        db.session.commit()
    return emails


def _start_worker(app, smtp_server, **settings: str) -> subprocess.Popen[bytes]:
    env = worker_env(app, smtp_server)
    env.update({f"ORGANISER_{k.upper()}": v for k, v in settings.items()})
    return subprocess.Popen(
        [sys.executable, "-m", "organiser", "worker"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _session_pids(sid: int) -> list[int]:
    """Every process in the worker's session: RQ puts each forked work horse in a process group
    of its own, so killing the worker's group alone would leave the horse finishing its batch."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()  # noqa: SIM115
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[3]) == sid:  # field 6 of stat: the session id
                pids.append(int(entry))
    return pids


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if sig == signal.SIGKILL:
        for pid in _session_pids(proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
    proc.wait(15)


def _alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]  # noqa: SIM115
    except OSError:
        return False
    return state != "Z"


def _send_mailing(app) -> tuple[object, str]:
    client = app.test_client()
    assert sign_in(client, "coord@example.org", PASSWORD).status_code == 302
    created = submit(
        client,
        "/coalitions/fia-zm/mailings/new",
        {
            "subject": "People's assembly in Lusaka",
            "segments": SEGMENT,
            "body_markdown": "Dear {{ name }},\n\n"
            + "Youth unemployment and farm subsidies are on the agenda. " * 50,
        },
    )
    page = created.location
    token = csrf_token(client.get(page).get_data(as_text=True))
    client.post(page + "/start", data={"csrf_token": token})
    return client, page


def _press(client, page: str, action: str) -> str:
    token = csrf_token(client.get(page).get_data(as_text=True))
    return text_of(client.post(f"{page}/{action}", data={"csrf_token": token}, follow_redirects=True))


def _wait(predicate, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _ledger(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        return {str(s): n for s, n in rows}


def test_pause_and_resume_neither_skip_nor_repeat(live, smtp_server, mail):
    emails = _supporters(live, 120)
    worker = _start_worker(live, smtp_server, mail_rate="40", outbox_batch_size="10")
    try:
        client, page = _send_mailing(live)
        # the worker starts (the app, its sweeps) before it sends: slow on a busy 2-core machine
        _wait(lambda: len(mail.messages) >= 20, timeout=120.0, what="the first messages")
        assert "Paused" in _press(client, page, "pause")
        time.sleep(1.0)  # the batch in hand finishes; nothing more starts
        paused_at = len(mail.messages)
        time.sleep(1.5)
        assert len(mail.messages) == paused_at, "nothing is sent while paused"
        assert paused_at < len(emails)
        assert _ledger(live).get("sent") == paused_at, "the ledger agrees with the SMTP server"

        assert "Sending again" in _press(client, page, "resume")
        _wait(lambda: len(mail.messages) >= len(emails), what="every message")
        time.sleep(0.5)
        received = Counter(m["To"].addresses[0].addr_spec for m in mail.messages)
        assert set(received) == emails and max(received.values()) == 1
        _wait(lambda: "Sent" in text_of(client.get(page)), what="the mailing to be marked sent")
        with live.app_context():
            assert db.session.scalar(select(Mailing.status)) == MailingStatus.SENT
    finally:
        _stop(worker)


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_one(live, smtp_server, mail):
    emails = _supporters(live, 300)
    first = _start_worker(live, smtp_server, mail_rate="150", outbox_batch_size="100")
    second = None
    try:
        _send_mailing(live)
        _wait(lambda: len(mail.messages) >= 60, what="the first messages")
        horses = [pid for pid in _session_pids(first.pid) if pid != first.pid]
        _stop(first, signal.SIGKILL)
        assert horses, "a work horse was sending when the worker was killed"
        _wait(lambda: not any(_alive(pid) for pid in horses), timeout=5, what="the work horse to die")
        killed_at = len(mail.messages)
        assert killed_at < len(emails), "the kill came mid-run"
        assert _ledger(live).get("sending", 0) > 0, "the dead worker left claimed rows behind"

        time.sleep(1.2)  # older than the claim timeout below
        second = _start_worker(live, smtp_server, outbox_claim_timeout="1", sweep_interval="2")
        _wait(
            lambda: len(set(m["To"].addresses[0].addr_spec for m in mail.messages)) >= len(emails),
            what="every recipient",
        )
        time.sleep(0.5)
        received = Counter(m["To"].addresses[0].addr_spec for m in mail.messages)
        assert set(received) == emails, f"lost: {sorted(emails - set(received))[:5]}"
        duplicated = [e for e, n in received.items() if n > 1]
        print(f"killed mid-run at {killed_at} received; re-sent after the kill: {duplicated}")
        assert len(duplicated) <= 1, f"re-sent more than the one in flight: {duplicated}"
        _wait(lambda: _ledger(live) == {"sent": len(emails)}, what="the ledger to settle")
    finally:
        _stop(first, signal.SIGKILL)
        if second is not None:
            _stop(second)
