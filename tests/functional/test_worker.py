"""With Redis configured, mail goes through a real RQ worker process to the SMTP capture."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from organiser.db import db
from organiser.messaging.models import OutboxMessage, OutboxStatus
from tests.factories import PASSWORD, UserFactory
from tests.helpers import links_in, path_of, sign_in, submit, text_of

pytestmark = pytest.mark.worker


def test_password_reset_mail_is_sent_by_a_real_worker(live, rq_worker, mail):
    with live.app_context():
        UserFactory(email="grace@example.org")
        db.session.commit()
    client = live.test_client()
    assert "Check your e-mail" in text_of(
        submit(client, "/account/forgot-password", {"email": "grace@example.org"})
    )

    [message] = mail.wait_for(1, timeout=30)
    [link] = links_in(message)
    done = submit(
        client, path_of(link), {"password": "worker sent this link", "confirm": "worker sent this link"}
    )
    assert done.status_code == 302
    assert sign_in(client, "grace@example.org", PASSWORD).status_code == 200
    assert sign_in(client, "grace@example.org", "worker sent this link").status_code == 302

    with live.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == OutboxStatus.SENT and row.smtp_reply


def test_healthz_reports_redis(live):
    response = live.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "redis": "ok", "status": "ok"}


def test_mail_queued_while_no_worker_runs_is_sent_when_one_starts(live, mail, smtp_server):
    """Redis may lose its queue; the outbox does not. A starting worker sweeps what is due."""
    from redis import Redis

    with live.app_context():
        UserFactory(email="otieno@example.org")
        db.session.commit()
    submit(live.test_client(), "/account/forgot-password", {"email": "otieno@example.org"})
    Redis.from_url(live.config["REDIS_URL"]).flushdb()  # as if Redis restarted empty
    time.sleep(1.1)  # the job it had been handed to is now overdue (a claim timeout of 1 s below)

    import subprocess
    import sys

    from tests.conftest import worker_env

    proc = subprocess.Popen(
        [sys.executable, "-m", "organiser", "worker", "--burst"],
        env={**worker_env(live, smtp_server), "ORGANISER_OUTBOX_CLAIM_TIMEOUT": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert proc.wait(60) == 0
    [message] = mail.wait_for(1)
    assert message["To"] == "otieno@example.org"
