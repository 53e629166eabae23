"""Demo data for letter-writing: an open SIA campaign to the demo decision-makers, with a few letters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign, LetterStatus
from organiser.actions.targets.models import Target
from organiser.db import db, utcnow
from organiser.people.models import Person

BODY = (
    "I am writing to ask you to introduce an essentials guarantee, so that Universal Credit always "
    "covers life's essentials, like food and bills.\n\n85% of us are worried about inequality. No one "
    "in this country should have to choose between eating and heating."
)


def seed_letters(coalition: Any, admin: Any, writers: int = 4) -> LetterCampaign:
    """The campaign goes to the coalition's demo targets; the first few demo supporters wrote (their
    letters are marked sent: the demo has no outbox history for them)."""
    now = utcnow()
    campaign = LetterCampaign(
        coalition_id=coalition.id,
        title="Write to the Treasury: guarantee the essentials",
        slug="write-essentials-guarantee",
        intro="A letter in your own words reaches a minister's desk. Tell them what the cost of living "
        "means for you, and ask for an essentials guarantee in Universal Credit.",
        subject="Please introduce an essentials guarantee",
        body=BODY,
        status=CampaignStatus.OPEN,
        opened_at=now - timedelta(days=4),
        created_by_id=admin.id,
    )
    db.session.add(campaign)
    campaign.targets = list(
        db.session.scalars(select(Target).where(Target.coalition_id == coalition.id).order_by(Target.name))
    )
    db.session.flush()
    people = db.session.scalars(
        select(Person).where(Person.tree_id == coalition.id).order_by(Person.id).limit(writers)
    )
    for index, person in enumerate(people):
        written = now - timedelta(days=3 - index % 3, hours=index)
        for target in campaign.targets:
            db.session.add(
                Letter(
                    campaign_id=campaign.id,
                    person_id=person.id,
                    target_id=target.id,
                    name=person.name,
                    region=("Leeds", "Cardiff", "Glasgow", "Bristol")[index % 4],
                    country="GB",
                    subject=campaign.subject,
                    body=BODY,
                    status=LetterStatus.SENT,
                    created_at=written,
                    confirmed_at=written + timedelta(minutes=5),
                    sent_at=written + timedelta(minutes=6),
                )
            )
            campaign.letter_count += 1
    db.session.flush()
    return campaign
