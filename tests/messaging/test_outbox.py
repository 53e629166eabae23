"""The outbox: mail leaves only after the commit, survives strict servers, and records every outcome."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from organiser.db import db
from organiser.messaging.jobs import deliver_messages
from organiser.messaging.models import OutboxMessage, OutboxStatus
from organiser.messaging.services import queue_email, sweep_outbox
from tests.helpers import body_of
from tests.services import advertise_pipelining, free_port


def test_mail_leaves_only_after_the_commit(app, mail):
    with app.app_context():
        queue_email(to="ruth@example.org", subject="Not yet", text="Held until the commit.")
        db.session.flush()
        assert mail.messages == []
        db.session.commit()
    [message] = mail.wait_for(1)
    assert message["Subject"] == "Not yet" and message["To"] == "ruth@example.org"
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == OutboxStatus.SENT and row.sent_at is not None and row.attempts == 1


def test_a_rolled_back_transaction_sends_nothing(app, mail):
    with app.app_context():
        queue_email(to="ruth@example.org", subject="Never", text="Rolled back.")
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(select(OutboxMessage)) is None
    assert mail.messages == []


def test_long_lines_and_other_scripts_reach_a_strict_server_intact(app, mail):
    body = "Firma: " + "x" * 3000 + "\nÑandú, 渋谷, اردو — " + "y" * 1200
    with app.app_context():
        queue_email(
            to="lucía@example.org",
            subject="Asamblea popular — Lusaka ✊",
            text=body,
            html="<p>" + "z" * 2500 + "</p>",
        )
        db.session.commit()
    [message] = mail.wait_for(1)
    assert body_of(message).rstrip("\n") == body
    assert message["Subject"] == "Asamblea popular — Lusaka ✊"
    [raw] = mail.raw
    assert max(len(line) for line in raw.splitlines()) <= 998


def test_a_delivered_row_is_never_sent_again(app, mail):
    with app.app_context():
        row = queue_email(to="ruth@example.org", subject="Once", text="Only once.")
        db.session.commit()
        mail.wait_for(1)
        deliver_messages([row.id])
    assert len(mail.messages) == 1


class _Refusing:
    """An SMTP server that answers 451 (try later) or 550 (no such user) by recipient."""

    def __init__(self, pipelining: bool) -> None:
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        if self.pipelining:
            return advertise_pipelining(session, hostname, responses)
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("later"):
            return "451 4.3.0 Try again later"
        if address.startswith("gone"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return "250 OK"


@pytest.fixture(params=["pipelining", "one command at a time"])
def refusing_smtp(app, request):
    controller = Controller(_Refusing(request.param == "pipelining"), hostname="127.0.0.1", port=free_port())
    controller.start()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = controller.port
    yield
    app.config["MAIL_PORT"] = port
    controller.stop()


def test_temporary_refusals_are_retried_later_and_permanent_ones_fail(app, refusing_smtp):
    with app.app_context():
        later = queue_email(to="later@example.org", subject="Retry", text="4xx").id
        gone = queue_email(to="gone@example.org", subject="Fail", text="5xx").id
        fine = queue_email(to="fine@example.org", subject="Fine", text="250").id
        db.session.commit()
        rows = {r.id: r for r in db.session.scalars(select(OutboxMessage))}
        assert rows[fine].status == OutboxStatus.SENT
        assert rows[gone].status == OutboxStatus.FAILED and "550" in rows[gone].last_error
        assert rows[later].status == OutboxStatus.QUEUED and "451" in rows[later].last_error
        assert rows[later].next_attempt_at is not None and rows[later].attempts == 1


def test_no_smtp_server_means_retry_not_loss(app, config_override):
    config_override(MAIL_PORT=free_port())
    with app.app_context():
        row_id = queue_email(to="ruth@example.org", subject="Down", text="Server down").id
        db.session.commit()
        row = db.session.get(OutboxMessage, row_id)
        assert row.status == OutboxStatus.QUEUED and "cannot connect" in row.last_error


def test_sweep_reclaims_rows_a_dead_worker_left_sending(app, mail):
    from datetime import timedelta

    from organiser.db import utcnow

    with app.app_context():
        row = OutboxMessage(
            idempotency_key="k1",
            recipient="ruth@example.org",
            sender="a@example.org",
            subject="Stuck",
            body_text="left in sending",
            status=OutboxStatus.SENDING,
            claimed_at=utcnow() - timedelta(hours=1),
            attempts=1,
        )
        db.session.add(row)
        db.session.commit()
        assert sweep_outbox() == 1
    [message] = mail.wait_for(1)
    assert message["Subject"] == "Stuck"
