"""Demo data for letter-writing: an open SIA campaign to the demo decision-makers, with two suggested
letters, a co-sponsor (The Equality Trust, by its tracking link) and a few letters; and a campaign
"by region" each for SIA (MPs by postcode) and FIA Zambia (Provincial Ministers)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from organiser.actions.letters.models import (
    CampaignStatus,
    Letter,
    LetterCampaign,
    LetterSponsor,
    LetterStatus,
    LetterVersion,
    TargetMode,
)
from organiser.actions.sponsorship.models import SponsorStatus
from organiser.actions.targets.lookup.demo import seed_uk_constituencies, seed_zambian_provinces
from organiser.actions.targets.models import Target
from organiser.db import db, utcnow
from organiser.people.models import Person

BODY = (
    "I am writing to ask you to introduce an essentials guarantee, so that Universal Credit always "
    "covers life's essentials, like food and bills.\n\n85% of us are worried about inequality. No one "
    "in this country should have to choose between eating and heating."
)


PARENT_BODY = (
    "I am a parent in {{ area }}, and I am writing to ask you to introduce an essentials guarantee, so "
    "that Universal Credit always covers life's essentials, like food and bills.\n\nNo family should "
    "have to choose between eating and heating."
)


def seed_letters(coalition: Any, admin: Any, writers: int = 4) -> LetterCampaign:
    """The campaign goes to the coalition's demo targets, with a second version for parents and The
    Equality Trust as co-sponsor; the first few demo supporters wrote, every other one through the
    co-sponsor's link (their letters are marked sent: the demo has no outbox history for them)."""
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
    campaign.versions.append(
        LetterVersion(position=2, label="A parent's letter", subject=campaign.subject, body=PARENT_BODY)
    )
    db.session.add(campaign)
    campaign.targets = list(
        db.session.scalars(select(Target).where(Target.coalition_id == coalition.id).order_by(Target.name))
    )
    db.session.flush()
    sponsor = _seed_sponsor(coalition, campaign, admin)
    version = campaign.live_versions[0]
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
                    version_id=version.id,
                    **_through(sponsor, index),
                    status=LetterStatus.SENT,
                    created_at=written,
                    confirmed_at=written + timedelta(minutes=5),
                    sent_at=written + timedelta(minutes=6),
                )
            )
            campaign.letter_count += 1
    db.session.flush()
    return campaign


def _seed_sponsor(coalition: Any, campaign: LetterCampaign, admin: Any) -> LetterSponsor | None:
    """The Equality Trust co-sponsors the campaign (it accepted), with its tracking code."""
    organisation = next(
        (m.organisation for m in coalition.memberships if m.organisation.slug == "the-equality-trust"), None
    )
    if organisation is None:
        return None
    sponsor = LetterSponsor(
        campaign_id=campaign.id,
        organisation_id=organisation.id,
        code="equality-trust",
        status=SponsorStatus.ACCEPTED,
        invited_by_id=admin.id,
        responded_at=utcnow() - timedelta(days=3),
    )
    db.session.add(sponsor)
    db.session.flush()
    return sponsor


def _through(sponsor: LetterSponsor | None, index: int) -> dict[str, Any]:
    """Every other writer came through the co-sponsor's tracking link."""
    if sponsor is None or index % 2:
        return {}
    return {"source": sponsor.code, "sponsor_organisation_id": sponsor.organisation_id}


def seed_region_letters(sia: Any, zambia: Any, admin: Any) -> list[LetterCampaign]:
    """Two open campaigns "by region" through the demo lookup tables (actions.targets.lookup.demo):
    SIA's writers find their MP by postcode, FIA Zambia's their Provincial Minister by town or
    province. Seeded after ``seed_letters``, whose campaign goes to every SIA decision-maker there
    is at that moment."""
    seed_uk_constituencies(sia)
    seed_zambian_provinces(zambia)
    now = utcnow()
    campaigns = [
        LetterCampaign(
            coalition_id=sia.id,
            title="Write to your MP: scrap the two-child limit",
            slug="write-to-your-mp",
            intro="Type your postcode to find your MP. A letter from a constituent, in your own words, "
            "is read: tell them what the two-child limit means for families where you live.",
            subject="Please vote to scrap the two-child limit",
            body="As your constituent, I am asking you to back scrapping the two-child limit and the "
            "benefit cap.\n\n85% of us are worried about inequality. No child should grow up in poverty "
            "because of the order they were born in.",
        ),
        LetterCampaign(
            coalition_id=zambia.id,
            title="Tell your Provincial Minister: keep input subsidies for smallholders",
            slug="smallholder-subsidies-letter",
            intro="Type your town or province to find your Provincial Minister. At the people's "
            "assemblies, thousands spoke about access to subsidies for farmers: ask for them to stay.",
            subject="Keep input subsidies for smallholder farmers",
            body="I am writing to ask you to defend input subsidies for smallholder farmers in our "
            "province in the national budget. Farming families here depend on them.",
        ),
    ]
    for campaign in campaigns:
        campaign.target_mode, campaign.status = TargetMode.REGION, CampaignStatus.OPEN
        campaign.opened_at, campaign.created_by_id = now - timedelta(days=2), admin.id
        db.session.add(campaign)
    db.session.flush()
    return campaigns
