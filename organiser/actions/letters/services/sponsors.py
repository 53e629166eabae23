"""A letter campaign's co-sponsors (``actions.sponsorship`` bound to letter campaigns): invited by
the coordinators, answered by the organisation's admins, each accepted one with its tracking link
(``/letters/<slug>?source=<code>``); and the supporters each one brought in.

A letter is attributed to a sponsor when it was written through the tracking link of a sponsor that
had accepted at the time (``Letter.sponsor_organisation_id``). The sponsor's supporters are those
writers — of a campaign it still co-sponsors, whose letter they confirmed — whose consent to hear
from that organisation stands today, and who asked no one to stop writing (unsubscribed from
everyone, or complained): the export leaves the platform. One row per writer and campaign, however
many decision-makers their letter went to."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organiser.actions.letters.models import COUNTED_STATUSES, Letter, LetterCampaign, LetterSponsor
from organiser.actions.sponsorship import codes, invitations
from organiser.actions.sponsorship.codes import sponsor_consent_wording
from organiser.actions.sponsorship.invitations import SponsorError
from organiser.actions.sponsorship.kinds import Sponsored
from organiser.actions.sponsorship.models import SponsorStatus
from organiser.actions.sponsorship.supporters import consenting
from organiser.coalitions.models import Organisation
from organiser.db import db
from organiser.people.models import Person
from organiser.web.downloads import Export

LETTERS = Sponsored(
    name="letters",
    model=LetterSponsor,
    action_column="campaign_id",
    action_attribute="campaign",
    public_endpoint="letters.campaign",
    sponsors_endpoint="letters.sponsors",
    answer_endpoint="letters.sponsorships",
    invitation_template="actions/letters/email/sponsor_invitation.txt",
    answer_template="actions/letters/email/sponsor_answer.txt",
    code_taken=_l("Another sponsor of this campaign has this code already"),
)

sponsors_of = partial(codes.sponsors_of, LETTERS)
tracking_link = partial(codes.tracking_link, LETTERS)
sponsor_for_writing = partial(codes.sponsor_for_request, LETTERS)  # (organisation id, name), remembered
page_context = partial(codes.page_context, LETTERS)
invitable_organisations = partial(invitations.invitable_organisations, LETTERS)
invite_sponsor = partial(invitations.invite_sponsor, LETTERS)
respond = partial(invitations.respond, LETTERS)
sponsorships_of = partial(invitations.sponsorships_of, LETTERS)

__all__ = [
    "LETTERS",
    "SponsorError",
    "export_supporters",
    "invitable_organisations",
    "invite_sponsor",
    "page_context",
    "respond",
    "sponsor_consent_wording",
    "sponsor_for_writing",
    "sponsors_of",
    "sponsorships_of",
    "supporters_of",
    "tracking_link",
]


def supporters_of(organisation: Organisation) -> list[tuple[Letter, Person, LetterCampaign, datetime]]:
    """Writers this organisation brought in, on campaigns it co-sponsors, who confirmed their letter
    and consent today to hear from it by e-mail: one row per writer and campaign (their first
    letter), with when the consent was given."""
    query = (
        select(Letter, Person, LetterCampaign)
        .join(Person, Person.id == Letter.person_id)
        .join(LetterCampaign, LetterCampaign.id == Letter.campaign_id)
        .join(
            LetterSponsor,
            (LetterSponsor.campaign_id == Letter.campaign_id)
            & (LetterSponsor.organisation_id == organisation.id)
            & (LetterSponsor.status == SponsorStatus.ACCEPTED),
        )
        .where(Letter.sponsor_organisation_id == organisation.id, Letter.status.in_(COUNTED_STATUSES))
        .order_by(Letter.confirmed_at, Letter.id)
    )
    query = consenting(query, organisation.id)
    rows: dict[tuple[int, int], Any] = {}
    for letter, person, campaign, consent_at in db.session.execute(query).all():
        rows.setdefault((person.id, campaign.id), (letter, person, campaign, consent_at))
    return list(rows.values())


SUPPORTER_COLUMNS = [
    "name",
    "email",
    "region",
    "country",
    "campaign",
    "written_at",
    "confirmed_at",
    "consent_given_at",
]


def export_supporters(organisation: Organisation) -> Export:
    """The organisation's consenting letter writers, for its admins (formula-safe; logged)."""
    return Export(
        f"{organisation.slug}-letter-writers.csv",
        _("Letter writers brought in by %(organisation)s", organisation=organisation.name),
        SUPPORTER_COLUMNS,
        [
            (
                letter.name,
                person.email,
                letter.region,
                letter.country or "",
                campaign.title,
                letter.created_at.isoformat(),
                letter.confirmed_at.isoformat() if letter.confirmed_at else "",
                consent_at.isoformat(),
            )
            for letter, person, campaign, consent_at in supporters_of(organisation)
        ],
        organisation_id=organisation.id,
    )
