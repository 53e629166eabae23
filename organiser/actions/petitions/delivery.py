"""Delivering a closed petition to its targets, and recording what they answered.

Each target gets one transactional e-mail with the petition, its count, the coordinator's covering
message and a CSV of the public signers: the names of confirmed signers who agreed to show their
name, with their region, and nothing else (no e-mail addresses, no comments).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from organiser.actions.petitions.models import (
    VALID_STATES,
    Petition,
    PetitionDelivery,
    PetitionStatus,
    Signature,
    Target,
)
from organiser.actions.targets import services as targets
from organiser.actions.targets.models import Response
from organiser.db import db
from organiser.messaging.mime import Attachment
from organiser.messaging.services import queue_email
from organiser.web.downloads import to_csv
from organiser.web.urls import external_url

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The petition cannot be delivered now; the message says why (for the coordinator)."""


def _public_signers_query(petition: Petition) -> Any:
    """Confirmed signers who agreed to be shown, on a petition whose public list is on."""
    return select(Signature.name, Signature.region).where(
        Signature.petition_id == petition.id,
        Signature.state.in_(VALID_STATES),
        Signature.public_name,
    )


def public_signer_count(petition: Petition) -> int:
    if not petition.shows_signers:
        return 0
    query = select(func.count()).select_from(_public_signers_query(petition).subquery())
    return db.session.scalar(query) or 0


def public_signers_csv(petition: Petition) -> str:
    """Names and regions only, in the order they confirmed; formula-safe."""
    if not petition.shows_signers:
        return to_csv(["name", "region"], [])
    rows = db.session.execute(_public_signers_query(petition).order_by(Signature.confirmed_at, Signature.id))
    return to_csv(["name", "region"], [(name, region) for name, region in rows])


def attachment_name(petition: Petition) -> str:
    return f"{petition.slug}-signers.csv"


def deliver(petition: Petition, *, message: str, by: Any) -> PetitionDelivery:
    """Send the petition to each of its targets and record the delivery; the status becomes delivered.

    The status changes by a conditional UPDATE first, so two coordinators pressing the button at
    once deliver it once.
    """
    if petition.status != PetitionStatus.CLOSED:
        raise DeliveryError(_("Only a closed petition can be delivered."))
    targets = list(petition.targets)
    if not targets:
        raise DeliveryError(_("Choose who the petition is addressed to first."))
    claimed = db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id, Petition.status == PetitionStatus.CLOSED)
        .values(status=PetitionStatus.DELIVERED)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise DeliveryError(_("Only a closed petition can be delivered."))
    db.session.refresh(petition)
    csv_bytes = public_signers_csv(petition).encode("utf-8")
    delivery = PetitionDelivery(
        petition_id=petition.id,
        delivered_by_id=by.id,
        signature_count=petition.signature_count,
        public_signer_count=public_signer_count(petition),
        message=message.strip(),
        recipients=[
            {"id": t.id, "name": t.name, "role": t.role, "body": t.body, "email": t.email} for t in targets
        ],
    )
    db.session.add(delivery)
    db.session.flush()
    for target in targets:
        _send_to(target, petition, delivery, csv_bytes, by)
        log.info("petition %s delivered to %s by %s", petition.id, target.id, by.id)
    return delivery


def _send_to(target: Target, petition: Petition, delivery: PetitionDelivery, data: bytes, by: Any) -> None:
    link = external_url("petitions.petition", slug=petition.slug)
    queue_email(
        to=target.email,
        subject=_("Petition: %(title)s", title=petition.title),
        text=render_template(
            "actions/petitions/email/delivery.txt",
            petition=petition,
            delivery=delivery,
            target=target,
            link=link,
        ),
        key=f"petition-delivery:{delivery.id}:{target.id}",
        # Replies go to the coordinator who delivered it, not to the platform's no-reply address.
        headers={"Reply-To": by.email},
        attachments=[Attachment(attachment_name(petition), "text/csv", data)],
    )


def delivery_of(petition: Petition) -> PetitionDelivery | None:
    query = (
        select(PetitionDelivery)
        .where(PetitionDelivery.petition_id == petition.id)
        .order_by(PetitionDelivery.id.desc())
    )
    return db.session.scalars(query).first()


# ---- responses ------------------------------------------------------------------------------------


def record_response(
    petition: Petition, target_id: int, *, text: str, responded_on: date | None, by: Any
) -> Response:
    """Record (or correct) one target's response to a delivered petition, or to one that reached a
    threshold asking for a response (``thresholds``). The first time, it is e-mailed to the signers
    who agreed to hear from the coalition."""
    if not may_record_responses(petition):
        raise DeliveryError(_("Responses can be recorded once the petition is delivered."))
    if target_id not in {t.id for t in petition.targets}:
        raise DeliveryError(_("Choose one of the people the petition was delivered to."))
    response = targets.record_response(
        target_id, petition_id=petition.id, text=text, responded_on=responded_on, by=by
    )
    from organiser.actions.petitions.thresholds.services import email_response

    email_response(petition, response, by=by)
    return response


def may_record_responses(petition: Petition) -> bool:
    """Delivered, or past a threshold at which the decision-maker is asked for a response."""
    from organiser.actions.petitions.thresholds.services import response_due

    return petition.status == PetitionStatus.DELIVERED or response_due(petition)


def responses_of(petition: Petition) -> list[Response]:
    return targets.responses_to(petition_id=petition.id)


class TargetStateError(Exception):
    """A delivered petition's targets can no longer change."""


def set_petition_targets(petition: Petition, target_ids: list[int], *, by: Any) -> None:
    """Address the petition to these of its coalition's targets (others are ignored)."""
    if petition.status == PetitionStatus.DELIVERED:
        raise TargetStateError("a delivered petition keeps its targets")
    wanted = set(target_ids)
    petition.targets = [t for t in targets.targets_of(petition.coalition_id) if t.id in wanted]
    db.session.flush()
    log.info(
        "petition %s addressed to targets %s by %s", petition.id, [t.id for t in petition.targets], by.id
    )
