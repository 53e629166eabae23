"""Paced delivery. A letter is classified when its writer confirms it (``kind_of``): *personal* when
the writer changed the suggested letter meaningfully, *unedited* otherwise — compared with the
version the writer chose, their name and area filled in (``writing.suggestion_for``); where writers
may not edit, the letter is that version, so always unedited. Personal letters go on
their own (From the platform, Reply-To the writer), at most the campaign's daily cap to each target a
day; the rest wait, in the order they were confirmed, for the next day (``release``). Unedited copies
wait for the day's digest to their target (``digests``). A target whose address bounced (messaging's
suppression list) is *failing*: its letters wait until the coordinators fix the address
(``fix_address``), which releases them.

Days are the campaign's own (its time zone), and its clock is ``now()``: the real time plus
``LETTERS_CLOCK_OFFSET`` seconds (0 in production; tests move it by configuration, never by sleeping).
A waiting letter keeps the status ``confirmed``; once in the outbox it is ``queued`` like any other,
with ``delivered_on`` the campaign's day it went (what the cap counts)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, cast, func, literal, select, update

from organiser.actions.letters.models import Letter, LetterCampaign, LetterKind, LetterStatus
from organiser.actions.targets.models import Target
from organiser.core.models import normalise_email
from organiser.db import db, utcnow
from organiser.messaging.models import OutboxMessage, Suppression, SuppressionReason
from organiser.messaging.services.outbox import insert_messages
from organiser.people.models import Person

log = logging.getLogger(__name__)

# Unedited: at least this share of the suggested letter's words are still there, in order, and at
# least this share of the letter's words are the suggestion's.
UNEDITED_SHARE = 0.8
DELIVERY_FIELDS = ("daily_cap", "digest_hour", "timezone")  # the campaign's columns that set its pace
CHUNK = 2000  # letters per statement when thousands are released at once
_WORD = re.compile(r"\w+")


class AddressError(Exception):
    """The new address cannot be used; the message says why (for the coordinator)."""


# ---- personal or unedited -------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def kind_of(suggested: str, written: str) -> LetterKind:
    """Unedited when at least 80 % of the suggested letter's words are still there, in order
    (difflib's longest matching blocks over the two word lists), and at least 80 % of the letter's
    words are the suggestion's, so that a story told around the suggested text makes it personal.
    Words are compared without case or punctuation: a mended comma is no change."""
    suggestion, letter = words(suggested), words(written)
    if not suggestion or not letter:
        return LetterKind.PERSONAL
    blocks = SequenceMatcher(None, suggestion, letter, autojunk=False).get_matching_blocks()
    kept = sum(block.size for block in blocks)
    if kept >= UNEDITED_SHARE * len(suggestion) and kept >= UNEDITED_SHARE * len(letter):
        return LetterKind.UNEDITED
    return LetterKind.PERSONAL


# ---- the campaign's clock and days -------------------------------------------------------------------


def clock_offset() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("LETTERS_CLOCK_OFFSET") or 0))


def now() -> datetime:
    return utcnow() + clock_offset()


def day_of(campaign: LetterCampaign, moment: datetime) -> date:
    return moment.astimezone(campaign.zone).date()


# ---- failing targets ---------------------------------------------------------------------------------


def bounced(addresses: Iterable[str]) -> set[str]:
    """Those of these (normalised) addresses on the suppression list as bounced."""
    wanted = list(set(addresses))
    if not wanted:
        return set()
    query = select(Suppression.email).where(
        Suppression.email.in_(wanted), Suppression.reason == SuppressionReason.BOUNCED
    )
    return set(db.session.scalars(query))


def failing_ids(targets: Iterable[Target]) -> set[int]:
    """The targets whose address bounced."""
    by_address: dict[str, set[int]] = {}
    for target in targets:
        by_address.setdefault(normalise_email(target.email), set()).add(target.id)
    return {target_id for address in bounced(by_address) for target_id in by_address[address]}


# ---- personal letters, under the daily cap --------------------------------------------------------------


def waiting_filter(campaign_id: int, kind: LetterKind, target_ids: Iterable[int] | None = None) -> list[Any]:
    """A campaign's letters of this kind waiting to go (their writers not erased)."""
    conditions = [
        Letter.campaign_id == campaign_id,
        Letter.status == LetterStatus.CONFIRMED,
        Letter.kind == kind,
        Letter.person_id.is_not(None),
        Letter.target_id.is_not(None),
    ]
    if target_ids is not None:
        conditions.append(Letter.target_id.in_(list(target_ids)))
    return conditions


def waiting(campaign_id: int, kind: LetterKind, target_ids: Iterable[int] | None = None) -> Any:
    """Their ids and targets, in the order they were confirmed."""
    query = select(Letter.id, Letter.target_id).where(*waiting_filter(campaign_id, kind, target_ids))
    return query.order_by(Letter.confirmed_at, Letter.id)


def locked_targets(target_ids: Iterable[int]) -> dict[int, Target]:
    """The targets, their rows locked (in id order) while their letters are counted and queued, so
    two confirmations at once cannot both take the day's last place."""
    query = select(Target).where(Target.id.in_(sorted(set(target_ids)))).order_by(Target.id)
    return {t.id: t for t in db.session.scalars(query.with_for_update())}


def release(
    campaign: LetterCampaign, at: datetime | None = None, target_ids: Iterable[int] | None = None
) -> int:
    """Queue the campaign's oldest waiting personal letters to each target that is not failing, up to
    the day's cap (letters already delivered that day count); how many went."""
    day = day_of(campaign, at or now())
    by_target: dict[int, list[int]] = {}
    for letter_id, target_id in db.session.execute(waiting(campaign.id, LetterKind.PERSONAL, target_ids)):
        by_target.setdefault(target_id, []).append(letter_id)
    if not by_target:
        return 0
    targets = locked_targets(by_target)
    failing = failing_ids(targets.values())
    used = dict(
        db.session.execute(
            select(Letter.target_id, func.count())
            .where(
                Letter.campaign_id == campaign.id,
                Letter.kind == LetterKind.PERSONAL,
                Letter.delivered_on == day,
                Letter.target_id.in_(list(by_target)),
            )
            .group_by(Letter.target_id)
        ).all()
    )
    chosen = [
        letter_id
        for target_id, ids in by_target.items()
        if target_id not in failing
        for letter_id in ids[: max(campaign.daily_cap - used.get(target_id, 0), 0)]
    ]
    queue_personal(chosen, day)
    if chosen:
        log.info("letter campaign %s: %s personal letters released for %s", campaign.id, len(chosen), day)
    return len(chosen)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def queue_personal(letter_ids: Sequence[int], day: date) -> None:
    """Each letter in the outbox as one e-mail to its target: From the platform, Reply-To the writer,
    signed with their name (one multi-row insert a chunk, one waiting delivery job for them all)."""
    template = current_app.jinja_env.get_template("actions/letters/email/letter.txt")
    for chunk in _chunks(letter_ids):
        rows = db.session.execute(
            select(Letter, Person.email)
            .join(Person, Person.id == Letter.person_id)
            .where(Letter.id.in_(chunk))
        ).all()
        insert_messages(
            [
                {
                    "to": letter.target.email,
                    "subject": letter.subject,
                    "text": template.render(letter=letter, target=letter.target),
                    "key": f"letter:{letter.id}",
                    "headers": {"Reply-To": email},
                }
                for letter, email in rows
            ]
        )
        link_carriers(
            [letter.id for letter, _email in rows], literal("letter:") + cast(Letter.id, String), day
        )


def link_carriers(letter_ids: Sequence[int], key: Any, day: date) -> None:
    """The letters are queued: each linked to the outbox row whose idempotency key is ``key`` (an
    expression over the letter's columns), delivered on ``day``."""
    carrier = select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key).scalar_subquery()
    for chunk in _chunks(letter_ids):
        db.session.execute(
            update(Letter)
            .where(Letter.id.in_(chunk))
            .values(status=LetterStatus.QUEUED, delivered_on=day, outbox_message_id=carrier)
            .execution_options(synchronize_session=False)
        )


def dispatch_confirmed(campaign: LetterCampaign, letters: Sequence[Letter]) -> None:
    """Just confirmed: personal letters go now if their target's day has room; for unedited ones, the
    digest is planned (after the commit: with Redis, a job in the RQ scheduler)."""
    personal = {x.target_id for x in letters if x.kind == LetterKind.PERSONAL and x.target_id}
    if personal:
        release(campaign, target_ids=personal)
    if any(x.kind == LetterKind.UNEDITED for x in letters):
        from organiser.actions.letters.jobs import plan_digest_after_commit

        plan_digest_after_commit(campaign.id)


# ---- coordinators: the settings, the failing targets and their new addresses ---------------------------


def set_delivery(
    campaign: LetterCampaign, *, daily_cap: int, digest_hour: int, timezone: str, by: Any
) -> None:
    """Change the daily cap and the digest's hour and zone; a higher cap releases letters at once,
    and the digest is planned again (a job planned before goes stale by itself)."""
    from organiser.actions.letters.jobs import plan_digest_after_commit

    campaign.daily_cap, campaign.digest_hour, campaign.timezone = daily_cap, digest_hour, timezone
    db.session.flush()
    release(campaign)
    plan_digest_after_commit(campaign.id)
    log.info(
        "letter campaign %s delivery set to %s a day, digest at %s:00 %s by %s",
        campaign.id,
        daily_cap,
        digest_hour,
        timezone,
        by.id,
    )


def delivery_state(campaign: LetterCampaign) -> list[dict[str, Any]]:
    """Per target with waiting letters (and each fixed target): its letters waiting by kind, whether it
    is failing. Failing ones first."""
    counts: dict[int, dict[str, int]] = {}
    for target_id, kind, n in db.session.execute(
        select(Letter.target_id, Letter.kind, func.count())
        .where(
            Letter.campaign_id == campaign.id,
            Letter.status == LetterStatus.CONFIRMED,
            Letter.person_id.is_not(None),
            Letter.target_id.is_not(None),
        )
        .group_by(Letter.target_id, Letter.kind)
    ):
        counts.setdefault(target_id, {})[str(kind)] = n
    ids = set(counts) | {t.id for t in campaign.targets}
    targets = list(db.session.scalars(select(Target).where(Target.id.in_(ids)).order_by(Target.name)))
    failing = failing_ids(targets)
    rows = [
        {
            "target": t,
            "failing": t.id in failing,
            "personal": counts.get(t.id, {}).get(LetterKind.PERSONAL, 0),
            "unedited": counts.get(t.id, {}).get(LetterKind.UNEDITED, 0),
        }
        for t in targets
    ]
    return sorted(rows, key=lambda row: not row["failing"])


def fix_address(campaign: LetterCampaign, target: Target, email: str, *, by: Any) -> int:
    """A failing target's new address: its letters waiting in every campaign of the coalition go
    (personal ones now, within the day's cap; unedited ones in their next digest). How many went now."""
    address = normalise_email(email)
    if address == normalise_email(target.email) or bounced([address]):
        raise AddressError(_("This address bounced. Check it with the decision-maker's office."))
    taken = select(Target.id).where(
        Target.coalition_id == target.coalition_id,
        func.lower(Target.email) == address,
        Target.id != target.id,
    )
    if db.session.scalar(taken) is not None:
        raise AddressError(_("Another decision-maker on your list has this address."))
    target.email = address
    db.session.flush()
    log.info("target %s: address fixed by %s (it bounced)", target.id, by.id)
    return _release_everywhere(target)


def _release_everywhere(target: Target) -> int:
    from organiser.actions.letters.jobs import plan_digest_after_commit

    released = 0
    campaign_ids = db.session.scalars(
        select(Letter.campaign_id)
        .where(Letter.target_id == target.id, Letter.status == LetterStatus.CONFIRMED)
        .distinct()
    )
    for campaign in db.session.scalars(
        select(LetterCampaign).where(LetterCampaign.id.in_(list(campaign_ids)))
    ):
        released += release(campaign, target_ids=[target.id])
        plan_digest_after_commit(campaign.id)
    return released
