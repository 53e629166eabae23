"""Asking writers whether the decision-maker replied.

``LETTER_FOLLOW_UP_DAYS`` (14 by default) after a letter was delivered, its writer gets one e-mail
(one for all their letters of a campaign that came due together) with a link per letter to a page
with buttons: "yes" (with an optional summary they may let the coalition share, and the day of the
reply), "not yet", "no". Someone who answers "not yet" is asked once more,
``LETTER_REMINDER_DAYS`` later; nobody is asked a third time. Each question takes one answer: a
second one changes nothing.

A sweep (``send_follow_ups``: every SWEEP_INTERVAL in the RQ worker, in the web process's sweeper
thread in the embedded default) finds what is due. A letter is asked about once: its
``LetterFollowUp`` row is made first, and the unique letter makes two sweeps at once write one row
(the second one's savepoint is rolled back and it sends nothing). Letters delivered long before the
feature (or before downtime) longer than ``LATE`` ago are left alone: asking months later helps
nobody. Erased writers get nothing: their letters lost their person.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import exc, exists, select, update

from organiser.actions.letters.models import Letter, LetterCampaign, LetterStatus
from organiser.actions.letters.replies.models import LetterFollowUp, ReplyAnswer
from organiser.actions.letters.services.sending import sync_statuses
from organiser.actions.targets.models import Target
from organiser.db import db, utcnow
from organiser.messaging.services.outbox import queue_email_coalesced
from organiser.people.models import Person
from organiser.web.public_actions import link_token, row_for_link
from organiser.web.urls import external_url

log = logging.getLogger(__name__)

LATE = timedelta(days=30)  # a follow-up more overdue than this is not sent
BATCH = 500  # letters looked at in one sweep pass; the next pass takes the rest
PURPOSE = "letter-reply"


def _days(name: str) -> timedelta:
    return timedelta(days=int(current_app.config.get(name, 14)))


def send_follow_ups(now: datetime | None = None) -> int:
    """Ask the writers of letters delivered ``LETTER_FOLLOW_UP_DAYS`` ago, and remind those who
    answered "not yet" ``LETTER_REMINDER_DAYS`` ago; how many e-mails were queued."""
    now = now or utcnow()
    sync_statuses()  # letters whose outbox row was sent become "sent", with its time
    return _ask(now) + _remind(now)


def _due_letters(now: datetime) -> list[Letter]:
    due = now - _days("LETTER_FOLLOW_UP_DAYS")
    asked = exists().where(LetterFollowUp.letter_id == Letter.id)
    return list(
        db.session.scalars(
            select(Letter)
            .where(
                Letter.status == LetterStatus.SENT,
                Letter.sent_at <= due,
                Letter.sent_at > due - LATE,
                Letter.person_id.is_not(None),
                ~asked,
            )
            .order_by(Letter.id)
            .limit(BATCH)
        )
    )


def _claim(letter: Letter) -> LetterFollowUp | None:
    """The letter's follow-up row; None if another sweep made it first."""
    follow_up = LetterFollowUp(
        letter_id=letter.id,
        campaign_id=letter.campaign_id,
        target_id=letter.target_id,
        person_id=letter.person_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(follow_up)
    except exc.IntegrityError:
        return None
    return follow_up


def _ask(now: datetime) -> int:
    writers: dict[tuple[int, int], list[LetterFollowUp]] = defaultdict(list)
    for letter in _due_letters(now):
        follow_up = _claim(letter)
        if follow_up is not None:
            writers[(letter.person_id, letter.campaign_id)].append(follow_up)  # type: ignore[index]
    for (person_id, _campaign_id), follow_ups in writers.items():
        _send(person_id, follow_ups, reminder=False)
    if writers:
        log.info(
            "letter follow-ups: %s writers asked about %s letters",
            len(writers),
            sum(map(len, writers.values())),
        )
    return len(writers)


def _remind(now: datetime) -> int:
    """Those who answered "not yet" long enough ago, once (the UPDATE claims each reminder)."""
    due = now - _days("LETTER_REMINDER_DAYS")
    candidates = db.session.scalars(
        select(LetterFollowUp)
        .where(
            LetterFollowUp.answer == ReplyAnswer.NOT_YET,
            LetterFollowUp.reminded_at.is_(None),
            LetterFollowUp.answered_at <= due,
            LetterFollowUp.person_id.is_not(None),
        )
        .order_by(LetterFollowUp.id)
        .limit(BATCH)
    ).all()
    sent = 0
    for follow_up in candidates:
        claimed = db.session.execute(
            update(LetterFollowUp)
            .where(LetterFollowUp.id == follow_up.id, LetterFollowUp.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            db.session.refresh(follow_up)
            _send(follow_up.person_id, [follow_up], reminder=True)  # type: ignore[arg-type]
            sent += 1
    return sent


def _send(person_id: int, follow_ups: list[LetterFollowUp], *, reminder: bool) -> None:
    person = db.session.get(Person, person_id)
    if person is None:
        return
    campaign = db.session.get(LetterCampaign, follow_ups[0].campaign_id)
    asked = [
        (f.letter.target.name if f.letter.target else _("the decision-maker"), answer_link(campaign, f))
        for f in follow_ups
    ]
    subject = (
        _("Reminder: did they reply to your letter? %(title)s", title=campaign.title)
        if reminder
        else _("Did they reply to your letter? %(title)s", title=campaign.title)
    )
    text = render_template(
        "actions/letters/email/follow_up.txt",
        campaign=campaign,
        name=person.name,
        asked=asked,
        reminder=reminder,
    )
    queue_email_coalesced(to=person.email, subject=subject, text=text, person_id=person.id)


def answer_link(campaign: LetterCampaign, follow_up: LetterFollowUp) -> str:
    return external_url("letters.reply", slug=campaign.slug, token=link_token(PURPOSE, follow_up.id))


def follow_up_for_token(token: str) -> LetterFollowUp | None:
    """The follow-up a link names; None for a token that is not ours or an erased writer's."""
    return row_for_link(LetterFollowUp, PURPOSE, token)


def record_answer(
    follow_up: LetterFollowUp,
    answer: str,
    *,
    summary: str = "",
    may_share: bool = False,
    replied_on: date | None = None,
) -> bool:
    """Record the writer's answer; False (and nothing changes) if this question was answered."""
    if not follow_up.may_answer or answer not in {str(a) for a in ReplyAnswer}:
        return False
    replied = answer == ReplyAnswer.YES
    follow_up.answer, follow_up.answered_at = answer, utcnow()
    follow_up.summary = summary.strip() if replied else ""
    follow_up.may_share = bool(may_share and replied and follow_up.summary)
    follow_up.replied_on = replied_on if replied else None
    db.session.flush()
    log.info("letter %s: its writer answered the follow-up: %s", follow_up.letter_id, answer)
    return True


def shared_summaries(campaign: LetterCampaign) -> list[tuple[str | None, str]]:
    """What writers said the decision-makers replied, where they let the coalition share it:
    (the decision-maker's name, summary), for the coordinators."""
    return list(
        db.session.execute(
            select(Target.name, LetterFollowUp.summary)
            .outerjoin(Target, Target.id == LetterFollowUp.target_id)
            .where(
                LetterFollowUp.campaign_id == campaign.id,
                LetterFollowUp.may_share.is_(True),
                LetterFollowUp.summary != "",
            )
            .order_by(LetterFollowUp.answered_at)
        ).all()
    )
