"""What letter-writing keeps about a person, registered with privacy: shown on their own page,
exported, erased and expired. Erasing anonymises a letter in place (its status stays, and the
campaign's total lives on the campaign row), and scrubs the outbox row that carries the letter to
its target: that row holds the writer's name, words and address (in Reply-To), and names no person
(the person it concerns is the writer, not the recipient), so privacy's own sweep would miss it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign
from organiser.actions.targets.models import Target
from organiser.db import db
from organiser.messaging.models import OutboxMessage
from organiser.people.models import Person
from organiser.privacy.registry import AnonymisedRows, PersonalData, personal_values


def _collect(person: Person) -> list[dict[str, Any]]:
    from organiser.actions.letters.services import sync_statuses

    sync_statuses(person_id=person.id)
    rows = db.session.execute(
        select(Letter, LetterCampaign.title, LetterCampaign.slug, Target.name)
        .join(LetterCampaign, LetterCampaign.id == Letter.campaign_id)
        .outerjoin(Target, Target.id == Letter.target_id)
        .where(Letter.person_id == person.id)
        .order_by(Letter.created_at, Letter.id)
    ).all()
    return [
        {
            "title": title,  # the key the privacy pages show
            "campaign_slug": slug,
            "to": target_name or "",
            **personal_values(x),
            "status": str(x.status),
            "written_at": x.created_at,
            "confirmed_at": x.confirmed_at or "",
            "sent_at": x.sent_at or "",
        }
        for x, title, slug, target_name in rows
    ]


def _scrub_carriers(condition: Any) -> None:
    """Letters not yet gone never go (a digest not yet sent is written again without them), then the
    outbox rows that carry the others are scrubbed (and cancelled, if still waiting)."""
    from organiser.actions.letters.services.digests import forget_waiting
    from organiser.privacy.services import scrub_outbox

    forget_waiting(condition)
    carriers = select(Letter.outbox_message_id).where(condition, Letter.outbox_message_id.is_not(None))
    scrub_outbox(OutboxMessage.id.in_(carriers))


ROWS = AnonymisedRows(Letter, Letter.campaign_id, LetterCampaign.id, before=_scrub_carriers)


def _expire(coalition: Any, cutoff: datetime) -> int:
    """Letters of this coalition's campaigns that closed before the cutoff, of people who gave no
    ongoing consent to anyone."""
    return ROWS.expire(
        LetterCampaign.coalition_id == coalition.id,
        LetterCampaign.status == CampaignStatus.CLOSED,
        func.coalesce(LetterCampaign.closed_at, LetterCampaign.created_at) < cutoff,
    )


LETTERS = PersonalData(
    name="letters",
    label=_l("Letters you wrote"),
    collect=_collect,
    erase=ROWS.erase,
    expire=_expire,
    minimise=ROWS.minimise,  # IP addresses, once older than the anti-abuse window
)
