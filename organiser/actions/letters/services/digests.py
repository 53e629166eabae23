"""The daily digest: a campaign's unedited copies to one target, gathered into one e-mail a day at
the campaign's hour ("212 people sent you this letter today": the suggested text once, then each
writer's name and area). With several versions it is still one e-mail a day to each target: each
version sent that day once, followed by its writers. Its outbox row's idempotency key names the
campaign, the target and the day, so there is one per target per day however often it is composed.

How it goes: with Redis, one RQ job per campaign and day waits in the RQ scheduler (``jobs``); a job
planned for another hour or zone finds itself stale and does nothing. A sweep (``sweep``: every
SWEEP_INTERVAL in the worker, and in the embedded default's sweeper thread) composes what is due and
not composed: without Redis it is how digests go at all; with Redis it catches those more than
``SWEEP_GRACE`` late. It also releases personal letters whose new day has come.

Erasure stays exact (``forget_waiting``): a writer erased before their digest is composed is left
out of it; erased after it is composed but before it is sent, the digest is written again without
them (cancelled if no one is left); after it is sent, its copy is scrubbed like any letter's."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import String, cast, literal, select, update

from organiser.actions.letters.models import Letter, LetterCampaign, LetterKind, LetterStatus
from organiser.actions.letters.services import pacing
from organiser.actions.letters.services.versions import fill
from organiser.actions.targets.models import Target
from organiser.db import db
from organiser.messaging.models import OutboxMessage, OutboxStatus
from organiser.messaging.services.outbox import insert_messages

log = logging.getLogger(__name__)

KEY_PREFIX = "letter-digest:"
SWEEP_GRACE = timedelta(minutes=5)  # with Redis, the sweep leaves the scheduler this long first


def digest_key(campaign_id: int, target_id: int, day: date) -> str:
    return f"{KEY_PREFIX}{campaign_id}:{target_id}:{day.isoformat()}"


def due_at(campaign: LetterCampaign, day: date) -> datetime:
    """When ``day``'s digest is due: the campaign's hour on its own calendar, in UTC."""
    local = datetime(day.year, day.month, day.day, campaign.digest_hour, tzinfo=campaign.zone)
    return local.astimezone(UTC)


def next_due(campaign: LetterCampaign, at: datetime) -> datetime:
    """The first digest time after ``at`` (today's, or tomorrow's once today's has passed)."""
    today = pacing.day_of(campaign, at)
    due = due_at(campaign, today)
    return due if due > at else due_at(campaign, today + timedelta(days=1))


@dataclass
class DigestPart:
    """One version in a day's digest: its words once, then the writers who sent it."""

    subject: str
    body: str
    writers: list[tuple[str, str]]  # (name, area)


def _parts(campaign: LetterCampaign, writers: Sequence[Any]) -> list[DigestPart]:
    """The writers (``name``, ``region``, ``version_id``) grouped by the version they sent, in the
    campaign's order of versions. A version's ``{{ name }}`` reads "[name]"; its ``{{ area }}`` the
    writers' area when they share one, else "[area]"."""
    versions = {v.id: v for v in campaign.versions}
    first = campaign.live_versions[0] if campaign.live_versions else None
    grouped: dict[Any, list[tuple[str, str]]] = {}
    for writer in writers:
        version = versions.get(writer.version_id) or first
        grouped.setdefault(version, []).append((writer.name, writer.region))
    parts = []
    for version, people in sorted(grouped.items(), key=lambda item: (item[0].position, item[0].id)):
        areas = {" ".join(region.split()).casefold() for _name, region in people}
        area = people[0][1] if len(areas) == 1 and people[0][1] else _("[area]")
        words = {"name": _("[name]"), "area": area}
        parts.append(DigestPart(fill(version.subject, **words), fill(version.body, **words), people))
    return parts


def _message(campaign: LetterCampaign, target: Target, writers: Sequence[Any]) -> dict[str, str]:
    """The digest of these writers' unedited copies: each version sent once, then its writers."""
    count, parts = len(writers), _parts(campaign, writers)
    template = current_app.jinja_env.get_template("actions/letters/email/digest.txt")
    if len(parts) == 1:
        subject = ngettext(
            "%(num)s person sent you this letter today: %(subject)s",
            "%(num)s people sent you this letter today: %(subject)s",
            count,
            subject=parts[0].subject,
        )
    else:
        subject = ngettext(
            "%(num)s person sent you letters today: %(title)s",
            "%(num)s people sent you these letters today: %(title)s",
            count,
            title=campaign.title,
        )
    return {
        "subject": subject,
        "text": template.render(campaign=campaign, target=target, parts=parts, count=count),
    }


def compose(campaign: LetterCampaign, day: date) -> int:
    """``day``'s digest to each target with unedited letters waiting (their writers not erased), in
    the outbox; a failing target's letters, and those of a target that had its digest for that day
    already, wait. How many letters went."""
    db.session.scalar(select(LetterCampaign.id).where(LetterCampaign.id == campaign.id).with_for_update())
    rows = db.session.execute(
        select(Letter.id, Letter.target_id, Letter.name, Letter.region, Letter.version_id)
        .where(*pacing.waiting_filter(campaign.id, LetterKind.UNEDITED))
        .order_by(Letter.confirmed_at, Letter.id)
    ).all()
    by_target: dict[int, list[Any]] = {}
    for row in rows:
        by_target.setdefault(row.target_id, []).append(row)
    if not by_target:
        return 0
    targets = {t.id: t for t in db.session.scalars(select(Target).where(Target.id.in_(list(by_target))))}
    keys = {target_id: digest_key(campaign.id, target_id, day) for target_id in by_target}
    done = set(
        db.session.scalars(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.idempotency_key.in_(list(keys.values()))
            )
        )
    )
    failing = pacing.failing_ids(targets.values())
    going = {t: letters for t, letters in by_target.items() if t not in failing and keys[t] not in done}
    insert_messages(
        [
            {
                "to": targets[t].email,
                "key": keys[t],
                **_message(campaign, targets[t], letters),
            }
            for t, letters in going.items()
        ]
    )
    chosen = [x.id for letters in going.values() for x in letters]
    key = (
        literal(f"{KEY_PREFIX}{campaign.id}:")
        + cast(Letter.target_id, String)
        + literal(f":{day.isoformat()}")
    )
    pacing.link_carriers(chosen, key, day)
    if going:
        log.info(
            "letter campaign %s: %s digests of %s letters for %s", campaign.id, len(going), len(chosen), day
        )
    return len(chosen)


def compose_if_due(campaign: LetterCampaign, due: datetime) -> int:
    """What the scheduled job does: the digest due at ``due``, unless the campaign's hour or zone
    changed since it was planned (then the new plan has its own job)."""
    day = pacing.day_of(campaign, due)
    if due_at(campaign, day) != due:
        return 0
    return compose(campaign, day)


# ---- the sweep -----------------------------------------------------------------------------------------


def sweep(at: datetime | None = None, *, with_redis: bool | None = None) -> int:
    """Personal letters whose day has room, and digests due (with Redis: overdue by the grace) and
    not composed; how many letters went."""
    from organiser.jobs import redis_connection

    at = at or pacing.now()
    if with_redis is None:
        with_redis = redis_connection() is not None
    grace = SWEEP_GRACE if with_redis else timedelta(0)
    waiting = db.session.execute(
        select(Letter.campaign_id, Letter.kind)
        .where(
            Letter.status == LetterStatus.CONFIRMED, Letter.kind.is_not(None), Letter.person_id.is_not(None)
        )
        .distinct()
    ).all()
    sent = 0
    for campaign_id, kind in sorted(waiting):
        campaign = db.session.get(LetterCampaign, campaign_id)
        if kind == LetterKind.PERSONAL:
            sent += pacing.release(campaign, at)
            continue
        day = pacing.day_of(campaign, at)
        if at >= due_at(campaign, day) + grace:
            sent += compose(campaign, day)
    return sent


def has_waiting(campaign_id: int) -> bool:
    query = pacing.waiting(campaign_id, LetterKind.UNEDITED).limit(1)
    return db.session.execute(query).first() is not None


# ---- erasure ---------------------------------------------------------------------------------------------


def forget_waiting(condition: Any) -> None:
    """Letters matching ``condition`` (a person being erased, or retention) that have not gone will
    never go: those waiting fail; those in a digest composed but not yet sent are taken out of it."""
    db.session.execute(
        update(Letter)
        .where(condition, Letter.status == LetterStatus.CONFIRMED)
        .values(status=LetterStatus.FAILED)
        .execution_options(synchronize_session=False)
    )
    carriers = select(Letter.outbox_message_id).where(condition, Letter.outbox_message_id.is_not(None))
    digests = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.id.in_(carriers),
            OutboxMessage.idempotency_key.startswith(KEY_PREFIX),
            OutboxMessage.status == OutboxStatus.QUEUED,
        )
    ).all()
    for digest in digests:
        _leave_out(digest, condition)


def _leave_out(digest: OutboxMessage, condition: Any) -> None:
    """Write the digest again without the matching letters (cancel it if no one is left). If a worker
    claimed it meanwhile, it is on its way: it is scrubbed afterwards like any sent letter."""
    letters = db.session.scalars(
        select(Letter).where(Letter.outbox_message_id == digest.id).order_by(Letter.confirmed_at, Letter.id)
    ).all()
    leaving = set(
        db.session.scalars(select(Letter.id).where(Letter.outbox_message_id == digest.id, condition))
    )
    staying = [x for x in letters if x.id not in leaving and x.person_id is not None]
    values: dict[str, Any] = {"status": OutboxStatus.CANCELLED, "body_text": None}
    if staying:
        campaign, target = staying[0].campaign, staying[0].target
        values = _message(campaign, target, staying)
        values = {"subject": values["subject"], "body_text": values["text"]}
    rewritten = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == digest.id, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if rewritten:
        db.session.execute(
            update(Letter)
            .where(Letter.id.in_(leaving))
            .values(status=LetterStatus.FAILED, outbox_message_id=None)
            .execution_options(synchronize_session=False)
        )
