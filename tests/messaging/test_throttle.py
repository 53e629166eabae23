"""The relay's rate limit is shared by every worker through Redis; a failing relay pauses a mailing."""

from __future__ import annotations

import threading
import time

from redis import Redis
from sqlalchemy import select

from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import Mailing, MailingStatus, OutboxMessage, OutboxStatus
from organiser.messaging.services import mailings
from organiser.messaging.services.throttle import TokenBucket
from organiser.people.models import ConsentSubject
from organiser.people.services import record_consent, upsert_person
from tests.factories import CoalitionFactory, user_with_role
from tests.messaging.test_outbox import refusing_smtp  # noqa: F401 (a fixture)


def test_two_workers_sharing_a_bucket_keep_to_the_rate_together(redis_server):
    redis = Redis.from_url(redis_server.url)
    key = "organiser:throttle:test"
    redis.delete(key)
    buckets = [TokenBucket(100, burst=1, redis=redis, key=key) for _ in range(2)]

    def send(bucket: TokenBucket) -> None:
        for _ in range(50):
            bucket.take()

    started = time.monotonic()
    threads = [threading.Thread(target=send, args=(b,)) for b in buckets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert elapsed >= 0.95, f"100 messages at 100/s took {elapsed:.2f}s: the limit was not shared"
    assert elapsed < 3


def test_without_redis_the_bucket_limits_one_process():
    bucket = TokenBucket(200, burst=1)
    started = time.monotonic()
    for _ in range(60):
        bucket.take()
    assert time.monotonic() - started >= 0.28


def test_a_mailing_pauses_itself_when_the_relay_refuses_most_messages(app, refusing_smtp):  # noqa: F811
    with app.app_context():
        coalition = CoalitionFactory()
        coordinator = user_with_role(Role.COALITION_COORDINATOR, coalition.id)
        for i in range(12):
            person = upsert_person(coalition.id, f"later{i}@example.org")
            record_consent(person, ConsentSubject.COALITION, coalition.id, given=True)
        mailing = mailings.create_mailing(
            coalition.id,
            by=coordinator,
            subject="Hello",
            body_markdown="Hi",
            from_name="",
            segments=[{"kind": "coalition_supporters"}],
        )
        mailings.start(mailing, by=coordinator)
        db.session.commit()
        db.session.expire_all()  # the send ran in its own session, as a worker's would
        mailing = db.session.scalar(select(Mailing))
        assert mailing.status == MailingStatus.PAUSED
        assert mailing.paused_reason == "12 of the last 12 messages failed"
        statuses = set(db.session.scalars(select(OutboxMessage.status)))
        assert statuses == {OutboxStatus.QUEUED}, "temporary refusals wait for a retry, nothing is lost"
