"""The digest through a real ``organiser worker`` and its RQ scheduler, on committed data: the personal
letter goes alone at once, the unedited copies wait for the digest job the scheduler holds for the
campaign's hour, and at that hour they arrive as one e-mail. The clock is moved by configuration
(``ORGANISER_LETTERS_CLOCK_OFFSET``), never by sleeping until 17:00."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from organiser.actions.letters.jobs import JOB_PREFIX
from organiser.actions.letters.models import Letter, LetterKind
from organiser.actions.letters.services import digests, pacing
from organiser.core.models import Role
from organiser.db import db, utcnow
from tests.conftest import worker_env
from tests.factories import PASSWORD, CoalitionFactory, TargetFactory, user_with_role
from tests.functional.test_letter_pacing import (
    CHANCELLOR,
    PERSONAL,
    SLUG,
    campaign,
    campaign_zone,
    open_campaign,
    write_and_confirm,
    writer,
)
from tests.helpers import body_of, sign_in, submit, text_of


@contextlib.contextmanager
def running_worker(app: Flask, smtp, offset: float = 0) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``organiser worker`` (RQ, with the scheduler) whose letters' clock is ``offset`` ahead."""
    env = {**worker_env(app, smtp), "ORGANISER_LETTERS_CLOCK_OFFSET": str(offset)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "organiser", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    time.sleep(0.5)
    if proc.poll() is not None:
        raise RuntimeError(proc.stdout.read().decode() if proc.stdout else "worker exited")
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def scheduled_digests(app: Flask, campaign_id: int, timeout: float = 15) -> dict[str, datetime]:
    """The campaign's digest jobs in the RQ scheduler: job id → when it runs (real time)."""
    from rq.registry import ScheduledJobRegistry

    from organiser.jobs import get_queue

    deadline = time.monotonic() + timeout
    with app.app_context():
        while True:
            registry = ScheduledJobRegistry(queue=get_queue("default"))
            found = {
                job_id: registry.get_scheduled_time(job_id)
                for job_id in registry.get_job_ids()
                if job_id.startswith(f"{JOB_PREFIX}-{campaign_id}-")
            }
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.2)


@pytest.mark.worker
def test_the_rq_scheduler_sends_the_digest_at_the_set_hour_while_the_personal_letter_went_alone(
    live, smtp_server, mail
):
    with live.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        TargetFactory(coalition_id=sia.id, name="Rachel Reeves", email=CHANCELLOR)
        db.session.commit()
    coordinator = live.test_client()
    sign_in(coordinator, "coord@example.org", PASSWORD)
    with running_worker(live, smtp_server):
        open_campaign(live, coordinator, digest_hour="17", timezone="Europe/London")
        write_and_confirm(live, mail, writer(1, body=PERSONAL, region="Leeds"))
        [alone] = mail.wait_for_to(CHANCELLOR)
        assert alone["Reply-To"] == "writer1@example.org" and "food bank in Leeds" in body_of(alone)
        for n in (2, 3, 4):
            write_and_confirm(live, mail, writer(n))
        with live.app_context():
            saved = campaign()
            campaign_id, due = saved.id, digests.next_due(saved, utcnow())
        [(job_id, at)] = scheduled_digests(live, campaign_id).items()
        assert job_id == f"{JOB_PREFIX}-{campaign_id}-{int(due.timestamp())}"
        assert at == due, "held by the scheduler for 17:00 in London"
        assert due.astimezone(campaign_zone()).hour == 17
        assert len(mail.to(CHANCELLOR)) == 1, "the copies wait for the digest"

    # Now the clock reads a few seconds before 17:00 in London: the coordinators save the hour again,
    # and the worker's scheduler holds the digest for then.
    offset = (due - utcnow()).total_seconds() - 8
    live.config["LETTERS_CLOCK_OFFSET"] = offset
    try:
        with running_worker(live, smtp_server, offset):
            saved = submit(
                coordinator,
                f"/letters/{SLUG}/delivery",
                {"daily_cap": "50", "digest_hour": "17", "timezone": "Europe/London"},
                follow=True,
            )
            assert "Delivery settings saved" in text_of(saved)
            [_, digest] = mail.wait_for_to(CHANCELLOR, 2, timeout=30)
    finally:
        live.config["LETTERS_CLOCK_OFFSET"] = 0
    assert digest["Subject"] == "3 people sent you this letter today: Guarantee the essentials"
    body = body_of(digest)
    assert body.count("introduce an essentials guarantee") == 1
    assert "- Writer 2, Area 2\n- Writer 3, Area 3\n- Writer 4, Area 4" in body and "Writer 1" not in body
    assert len(mail.to(CHANCELLOR)) == 2, "one digest"
    with live.app_context():
        days = {
            x.delivered_on
            for x in db.session.scalars(select(Letter).where(Letter.kind == LetterKind.UNEDITED))
        }
        assert days == {due.astimezone(campaign_zone()).date()}
        assert pacing.day_of(campaign(), due) in days
