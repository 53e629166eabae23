"""The digests' RQ jobs: one puts the campaign's next digest in the RQ scheduler, the other composes
it when its time comes (``services/digests.py`` explains why a stale one does nothing). They carry
ids and times only. Without Redis they do nothing: the sweep composes the digests instead."""

from __future__ import annotations

from datetime import UTC, datetime

from organiser.actions.letters.models import LetterCampaign
from organiser.db import db
from organiser.jobs import enqueue_after_commit, get_queue, job, redis_connection, release_unique

JOB_PREFIX = "letter-digest"


def _plan_key(campaign_id: int) -> str:
    return f"organiser:letters-plan:{campaign_id}"


def plan_digest_after_commit(campaign_id: int, after_epoch: int = 0) -> None:
    """Plan the campaign's next digest once the transaction commits (at most one such job waits: a
    surge of confirmations plans it once)."""
    enqueue_after_commit(plan_digest, campaign_id, after_epoch, unique=_plan_key(campaign_id))


@job
def plan_digest(campaign_id: int, after_epoch: int = 0) -> int:
    """Put the campaign's next digest (after now, and after ``after_epoch``) in the RQ scheduler at
    its time on the campaign's clock; planning the same digest again replaces its job. Returns its
    time (epoch seconds), or 0."""
    from organiser.actions.letters.services import digests, pacing

    release_unique(_plan_key(campaign_id))
    campaign = db.session.get(LetterCampaign, campaign_id)
    if campaign is None or redis_connection() is None:
        return 0
    due = digests.next_due(campaign, max(pacing.now(), datetime.fromtimestamp(after_epoch, UTC)))
    epoch = int(due.timestamp())
    get_queue("default").enqueue_at(
        due - pacing.clock_offset(),  # the scheduler keeps real time
        send_digests,
        campaign_id,
        epoch,
        job_id=f"{JOB_PREFIX}-{campaign_id}-{epoch}",
        result_ttl=0,
        failure_ttl=7 * 86400,
        job_timeout=600,
    )
    return epoch


@job
def send_digests(campaign_id: int, due_epoch: int) -> int:
    """Compose the digests due at ``due_epoch`` (nothing if the job is stale), then plan the next
    one if unedited letters still wait. How many letters went."""
    from organiser.actions.letters.services import digests

    campaign = db.session.get(LetterCampaign, campaign_id)
    if campaign is None:
        return 0
    sent = digests.compose_if_due(campaign, datetime.fromtimestamp(due_epoch, UTC))
    if digests.has_waiting(campaign_id):
        plan_digest_after_commit(campaign_id, due_epoch)
    return sent
