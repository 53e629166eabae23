"""A sponsor's supporters: the confirmed signers it brought in, on petitions it co-sponsors, who
consent today to hear from it (and asked no one to stop writing); their export as CSV; and the
mailing segment of them, with the coalition its mailings go out under."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.petitions.models import (
    VALID_STATES,
    Petition,
    PetitionSponsor,
    Signature,
    SponsorStatus,
)
from organiser.actions.sponsorship.supporters import consenting
from organiser.coalitions.models import Coalition, Organisation
from organiser.db import db
from organiser.messaging.services.audiences import Segment
from organiser.people.models import Person
from organiser.web.downloads import Export


def supporters_of(organisation: Organisation) -> list[tuple[Signature, Person, Petition, datetime]]:
    """Confirmed signers this organisation brought in, on petitions it co-sponsors, who consent
    today to hear from it by e-mail; one row per signature, with when the consent was given."""
    query = (
        select(Signature, Person, Petition)
        .join(Person, Person.id == Signature.person_id)
        .join(Petition, Petition.id == Signature.petition_id)
        .join(
            PetitionSponsor,
            (PetitionSponsor.petition_id == Signature.petition_id)
            & (PetitionSponsor.organisation_id == organisation.id)
            & (PetitionSponsor.status == SponsorStatus.ACCEPTED),
        )
        .where(Signature.sponsor_organisation_id == organisation.id, Signature.state.in_(VALID_STATES))
        .order_by(Signature.confirmed_at, Signature.id)
    )
    query = consenting(query, organisation.id)
    return [tuple(row) for row in db.session.execute(query).all()]  # type: ignore[misc]


SUPPORTER_COLUMNS = [
    "name",
    "email",
    "region",
    "country",
    "petition",
    "signed_at",
    "confirmed_at",
    "consent_given_at",
]


def export_supporters(organisation: Organisation) -> Export:
    """The organisation's consenting supporters, for its admins (formula-safe; the download is logged)."""
    return Export(
        f"{organisation.slug}-supporters.csv",
        _("Supporters of %(organisation)s", organisation=organisation.name),
        SUPPORTER_COLUMNS,
        [
            (
                signature.name,
                person.email,
                signature.region,
                signature.country or "",
                petition.title,
                signature.created_at.isoformat(),
                signature.confirmed_at.isoformat() if signature.confirmed_at else "",
                consent_at.isoformat(),
            )
            for signature, person, petition, consent_at in supporters_of(organisation)
        ],
        organisation_id=organisation.id,
    )


# ---- a sponsor's mailings to the supporters it brought in ----------------------------------------


def _no_coalition_choices(coalition: Any) -> list[tuple[dict[str, Any], str]]:
    return []  # a coalition writes to its own supporters; this segment is the organisation's


def _organisation_choices(organisation: Any) -> list[tuple[dict[str, Any], str]]:
    return [({}, _("People who signed through your tracking links and agreed to hear from you"))]


def _supporters_segment(mailing: Any, params: dict[str, Any]) -> Any:
    """Confirmed signers the sending organisation brought in, on petitions it co-sponsors; the
    mailing then keeps only those who agree to hear from that organisation (audiences)."""
    return (
        select(Signature.person_id)
        .join(
            PetitionSponsor,
            (PetitionSponsor.petition_id == Signature.petition_id)
            & (PetitionSponsor.organisation_id == Signature.sponsor_organisation_id),
        )
        .where(
            Signature.sponsor_organisation_id == mailing.organisation_id,
            PetitionSponsor.status == SponsorStatus.ACCEPTED,
            Signature.state.in_(VALID_STATES),
            Signature.person_id.is_not(None),
        )
    )


SPONSOR_SUPPORTERS = Segment(
    "sponsor_supporters",
    _no_coalition_choices,
    _supporters_segment,
    organisation_choices=_organisation_choices,
)


def mailing_coalition(organisation: Organisation) -> Coalition | None:
    """The coalition an organisation's mailing goes out under (its name is in the List-Id): the one
    of the petition it most recently agreed to co-sponsor; None if it sponsors nothing yet."""
    return db.session.scalar(
        select(Coalition)
        .join(Petition, Petition.coalition_id == Coalition.id)
        .join(PetitionSponsor, PetitionSponsor.petition_id == Petition.id)
        .where(
            PetitionSponsor.organisation_id == organisation.id,
            PetitionSponsor.status == SponsorStatus.ACCEPTED,
        )
        .order_by(PetitionSponsor.responded_at.desc(), PetitionSponsor.id.desc())
        .limit(1)
    )
