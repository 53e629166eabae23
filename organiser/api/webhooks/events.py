"""Which rows each webhook is told about, by kind: the rows that became final (a signature, letter or
registration confirmed; a consent withdrawn) within what its owner sees in the pages.

* A coalition's webhook: its own actions and assemblies, and its chapters' (an alliance's webhook sees
  the chapters under it), and withdrawals of consent to it or to one of those chapters.
* An organisation's webhook: only the people it may be handed in the sponsor's pages: those its
  tracking link brought to an action it co-sponsors (the sponsorship accepted, and still so), or who
  registered for an assembly it hosts, who agree today to hear from it and have not asked everyone to
  stop; and withdrawals of consent to it. (What it is told of each: see ``payloads``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import aliased

from organiser.actions.letters.models import COUNTED_STATUSES, Letter, LetterCampaign, LetterSponsor
from organiser.actions.petitions.models import VALID_STATES, Petition, PetitionSponsor, Signature
from organiser.actions.sponsorship.models import SponsorStatus
from organiser.api.webhooks.models import EventKind, Webhook
from organiser.assemblies.models import Assembly, Registration, RegistrationStatus, assembly_hosts
from organiser.coalitions.models import Coalition
from organiser.messaging.models import Suppression, SuppressionReason
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person
from organiser.web.tallies import one_of

# A registration counts once confirmed, whether it holds a place or waits for one.
CONFIRMED_REGISTRATIONS = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.ATTENDED,
)


def coalition_ids(coalition: Coalition) -> list[int]:
    """The coalition and every chapter under it."""
    found, todo = [coalition.id], list(coalition.chapters)
    while todo:
        node = todo.pop()
        if node.id not in found:
            found.append(node.id)
            todo.extend(node.chapters)
    return found


def may_be_handed_to(organisation_id: int, person_id: Any) -> ColumnElement[bool]:
    """The person agrees today to hear from the organisation, and has not asked everyone to stop."""
    return and_(
        exists().where(
            ConsentState.person_id == person_id,
            ConsentState.subject_type == ConsentSubject.ORGANISATION,
            ConsentState.subject_id == organisation_id,
            ConsentState.channel == "email",
            ConsentState.granted.is_(True),
        ),
        ~exists().where(
            Person.id == person_id,
            Suppression.email == Person.email,
            Suppression.reason.in_([SuppressionReason.UNSUBSCRIBED, SuppressionReason.COMPLAINED]),
        ),
    )


@dataclass(frozen=True)
class Feed:
    """One kind of event: its rows' time and id columns, and the rows a webhook may be told of."""

    kind: EventKind
    time: Any
    id: Any
    scope: Callable[[Webhook], list[ColumnElement[bool]]]


def _signatures(webhook: Webhook) -> list[ColumnElement[bool]]:
    final = [one_of(Signature.state, VALID_STATES), Signature.person_id.is_not(None)]
    if webhook.organisation_id is not None:
        org = webhook.organisation_id
        sponsoring = exists().where(
            PetitionSponsor.petition_id == Signature.petition_id,
            PetitionSponsor.organisation_id == org,
            PetitionSponsor.status == SponsorStatus.ACCEPTED,
        )
        return [
            *final,
            Signature.sponsor_organisation_id == org,
            sponsoring,
            may_be_handed_to(org, Signature.person_id),
        ]
    petitions = select(Petition.id).where(Petition.coalition_id.in_(coalition_ids(webhook.owner)))  # type: ignore[arg-type]
    return [*final, Signature.petition_id.in_(petitions)]


def _letters(webhook: Webhook) -> list[ColumnElement[bool]]:
    final = [one_of(Letter.status, COUNTED_STATUSES), Letter.person_id.is_not(None)]
    if webhook.organisation_id is not None:
        org = webhook.organisation_id
        sponsoring = exists().where(
            LetterSponsor.campaign_id == Letter.campaign_id,
            LetterSponsor.organisation_id == org,
            LetterSponsor.status == SponsorStatus.ACCEPTED,
        )
        return [
            *final,
            Letter.sponsor_organisation_id == org,
            sponsoring,
            may_be_handed_to(org, Letter.person_id),
        ]
    campaigns = select(LetterCampaign.id).where(
        LetterCampaign.coalition_id.in_(coalition_ids(webhook.owner))  # type: ignore[arg-type]
    )
    return [*final, Letter.campaign_id.in_(campaigns)]


def _registrations(webhook: Webhook) -> list[ColumnElement[bool]]:
    final = [one_of(Registration.status, CONFIRMED_REGISTRATIONS), Registration.person_id.is_not(None)]
    if webhook.organisation_id is not None:
        org = webhook.organisation_id
        hosted = select(assembly_hosts.c.assembly_id).where(assembly_hosts.c.organisation_id == org)
        return [*final, Registration.assembly_id.in_(hosted), may_be_handed_to(org, Registration.person_id)]
    assemblies = select(Assembly.id).where(Assembly.coalition_id.in_(coalition_ids(webhook.owner)))  # type: ignore[arg-type]
    return [*final, Registration.assembly_id.in_(assemblies)]


def _withdrawals(webhook: Webhook) -> list[ColumnElement[bool]]:
    if webhook.organisation_id is not None:
        subject = [
            ConsentEvent.subject_type == ConsentSubject.ORGANISATION,
            ConsentEvent.subject_id == webhook.organisation_id,
        ]
    else:
        subject = [
            ConsentEvent.subject_type == ConsentSubject.COALITION,
            ConsentEvent.subject_id.in_(coalition_ids(webhook.owner)),  # type: ignore[arg-type]
        ]
    # Only a withdrawal of a consent once given: the owner had the person; a "no" from someone who
    # never said yes tells the owner of a person it never had.
    earlier = aliased(ConsentEvent)
    given_before = exists().where(
        earlier.person_id == ConsentEvent.person_id,
        earlier.subject_type == ConsentEvent.subject_type,
        earlier.subject_id == ConsentEvent.subject_id,
        earlier.channel == ConsentEvent.channel,
        earlier.given.is_(True),
        earlier.id < ConsentEvent.id,
    )
    return [*subject, ConsentEvent.given.is_(False), ConsentEvent.channel == "email", given_before]


FEEDS = {
    EventKind.SIGNATURE: Feed(EventKind.SIGNATURE, Signature.confirmed_at, Signature.id, _signatures),
    EventKind.OUTREACH: Feed(EventKind.OUTREACH, Letter.confirmed_at, Letter.id, _letters),
    EventKind.ATTENDANCE: Feed(
        EventKind.ATTENDANCE, Registration.confirmed_at, Registration.id, _registrations
    ),
    EventKind.UNSUBSCRIBE: Feed(
        EventKind.UNSUBSCRIBE, ConsentEvent.created_at, ConsentEvent.id, _withdrawals
    ),
}


def new_rows(feed: Feed, webhook: Webhook, after: tuple[datetime, int], until: datetime, limit: int) -> Any:
    """The (time, id) of the rows after the cursor ``after`` and no later than ``until``, oldest first."""
    after_at, after_id = after
    return (
        select(feed.time, feed.id)
        .where(
            feed.time.is_not(None),
            feed.time <= until,
            or_(feed.time > after_at, and_(feed.time == after_at, feed.id > after_id)),
            *feed.scope(webhook),
        )
        .order_by(feed.time, feed.id)
        .limit(limit)
    )
