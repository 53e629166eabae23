"""What petitions started by supporters keep about their creators, registered with privacy: shown on
their own page, exported, erased and expired. Erasing blanks the creator's name and IP address in
place and unties the person: the petition stays (others signed it), credited to no one, and the links
in the creator's e-mails stop working. Their own signature is a signature like any other
(``petitions.personal_data``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from organiser.actions.petitions.community.models import CommunityPetition
from organiser.actions.petitions.models import Petition, PetitionStatus
from organiser.db import db
from organiser.people.models import Person
from organiser.privacy.registry import AnonymisedRows, PersonalData, personal_values


def _collect(person: Person) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(CommunityPetition, Petition.title, Petition.slug)
        .join(Petition, Petition.id == CommunityPetition.petition_id)
        .where(CommunityPetition.person_id == person.id)
        .order_by(CommunityPetition.created_at)
    ).all()
    return [
        {
            "petition": title,
            "petition_slug": slug,
            **personal_values(c),
            "state": str(c.state),
            "started_at": c.created_at,
            "confirmed_at": c.confirmed_at or "",
        }
        for c, title, slug in rows
    ]


ROWS = AnonymisedRows(CommunityPetition, CommunityPetition.petition_id, Petition.id)


def _expire(coalition: Any, cutoff: datetime) -> int:
    """Creators of this coalition's petitions that closed before the cutoff, who gave no ongoing consent."""
    return ROWS.expire(
        Petition.coalition_id == coalition.id,
        Petition.status.in_([PetitionStatus.CLOSED, PetitionStatus.DELIVERED]),
        func.coalesce(Petition.closed_at, Petition.created_at) < cutoff,
    )


CREATORS = PersonalData(
    name="community_petitions",
    label=_l("Petitions you started"),
    collect=_collect,
    erase=ROWS.erase,
    expire=_expire,
    minimise=ROWS.minimise,
)
