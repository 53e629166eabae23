"""Each letter's status brought up to date from its outbox row (the outbox does not call back; how a
letter gets there is ``pacing`` and ``digests``), and what coordinators see of it: the tallies per
target and per day, and every letter as CSV."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from organiser.actions.letters.models import COUNTED_STATUSES, Letter, LetterCampaign, LetterStatus
from organiser.actions.targets.models import Target
from organiser.db import db
from organiser.messaging.models import OutboxMessage, OutboxStatus
from organiser.people.models import Person
from organiser.web.downloads import Export

log = logging.getLogger(__name__)


def sync_statuses(campaign_id: int | None = None, *, person_id: int | None = None) -> int:
    """Queued letters whose outbox row was sent become ``sent``; given up on, ``failed``."""
    changed = 0
    outcomes = {
        LetterStatus.SENT: [OutboxStatus.SENT],
        LetterStatus.FAILED: [OutboxStatus.FAILED, OutboxStatus.SUPPRESSED, OutboxStatus.CANCELLED],
    }
    for status, outbox_statuses in outcomes.items():
        finished = select(OutboxMessage.id).where(OutboxMessage.status.in_(outbox_statuses))
        condition = [Letter.status == LetterStatus.QUEUED, Letter.outbox_message_id.in_(finished)]
        if campaign_id is not None:
            condition.append(Letter.campaign_id == campaign_id)
        if person_id is not None:
            condition.append(Letter.person_id == person_id)
        sent_at = (
            select(OutboxMessage.sent_at)
            .where(OutboxMessage.id == Letter.outbox_message_id)
            .scalar_subquery()
        )
        values: dict[str, Any] = {"status": status}
        if status == LetterStatus.SENT:
            values["sent_at"] = sent_at
        changed += db.session.execute(
            update(Letter).where(*condition).values(**values).execution_options(synchronize_session=False)
        ).rowcount
    return changed


# ---- coordinators: what was sent, the export ---------------------------------------------------------


def tallies(campaign: LetterCampaign) -> dict[str, Any]:
    """Confirmed letters per target (with their status) and per day of confirmation."""
    sync_statuses(campaign.id)
    rows = db.session.execute(
        select(Letter.target_id, Letter.status, Letter.confirmed_at).where(
            Letter.campaign_id == campaign.id, Letter.status.in_(COUNTED_STATUSES)
        )
    ).all()
    names = {
        t.id: t.name
        for t in db.session.scalars(select(Target).where(Target.coalition_id == campaign.coalition_id))
    }
    per_target: dict[str, dict[str, int]] = {}
    per_day: dict[date, int] = {}
    for target_id, status, confirmed_at in rows:
        name = names.get(target_id, _("(removed)"))
        counts = per_target.setdefault(name, {"total": 0, "queued": 0, "sent": 0, "failed": 0})
        counts["total"] += 1
        counts[str(status) if str(status) in counts else "queued"] += 1
        if confirmed_at is not None:
            per_day[confirmed_at.date()] = per_day.get(confirmed_at.date(), 0) + 1
    pending = db.session.scalar(
        select(func.count())
        .select_from(Letter)
        .where(Letter.campaign_id == campaign.id, Letter.status == LetterStatus.PENDING)
    )
    return {
        "per_target": sorted(per_target.items(), key=lambda item: item[0].casefold()),
        "per_day": sorted(per_day.items(), reverse=True),
        "pending": pending,
    }


LETTER_COLUMNS = [
    "target",
    "name",
    "email",
    "region",
    "country",
    "subject",
    "body",
    "consent_coalition",
    "status",
    "written_at",
    "confirmed_at",
    "sent_at",
    "ip",
    "kind",  # personal (the writer's own words) or unedited (a copy of the suggestion)
    "reply",  # what the writer answered to the follow-up: yes, not_yet, no
    "replied_on",
    "version",  # the suggested letter the writer started from (its name)
    "source",  # the tracking code the writer came with (a co-sponsor's, or any ?source=)
    "utm_source",
    "utm_medium",
    "utm_campaign",
]


def export_letters(campaign: LetterCampaign) -> Export:
    """Every letter, for coordinators, with what its writer answered to the follow-up (formula-safe;
    the download is logged)."""
    from organiser.actions.letters.replies.models import LetterFollowUp
    from organiser.actions.letters.services.versions import version_names

    sync_statuses(campaign.id)
    names = version_names(campaign)
    rows = db.session.execute(
        select(Letter, Person.email, Target.name, LetterFollowUp.answer, LetterFollowUp.replied_on)
        .outerjoin(Person, Person.id == Letter.person_id)
        .outerjoin(Target, Target.id == Letter.target_id)
        .outerjoin(LetterFollowUp, LetterFollowUp.letter_id == Letter.id)
        .where(Letter.campaign_id == campaign.id)
        .order_by(Letter.id)
    ).all()
    return Export(
        f"{campaign.slug}-letters.csv",
        _("Letters of “%(title)s”", title=campaign.title),
        LETTER_COLUMNS,
        [
            (
                target_name or "",
                x.name,
                email or "",
                x.region,
                x.country or "",
                x.subject,
                x.body,
                "yes" if x.consent_coalition else "no",
                str(x.status),
                x.created_at.isoformat(),
                x.confirmed_at.isoformat() if x.confirmed_at else "",
                x.sent_at.isoformat() if x.sent_at else "",
                x.ip,
                x.kind or "",
                answer or "",
                replied_on.isoformat() if replied_on else "",
                names.get(x.version_id or 0, ""),
                x.source,
                x.utm_source,
                x.utm_medium,
                x.utm_campaign,
            )
            for x, email, target_name, answer, replied_on in rows
        ],
        coalition_id=campaign.coalition_id,
    )
