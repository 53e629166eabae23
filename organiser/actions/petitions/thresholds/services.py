"""Thresholds on a petition and what happens at each; and a recorded response e-mailed to the signers.

A threshold is a milestone too (``milestones.thresholds`` counts them): reaching it is claimed with
the same ``INSERT … ON CONFLICT DO NOTHING`` on (petition, count), so the coordinators are told once,
however many confirmations cross it at the same moment, and the e-mail says what happens next. The
petition's page shows each threshold, reached or not, with what happens next.

Once a threshold that asks the decision-maker for a response is reached, coordinators may record
the response before the petition is delivered. Each recorded response is shown on the page and, the
first time it is recorded, e-mailed to the petition's confirmed signers who agreed to hear from the
coalition — a mailing of the coalition, through the outbox, with the consent ledger deciding."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from organiser.actions.petitions.models import Petition, PetitionMilestone
from organiser.actions.petitions.thresholds.models import NextStep, PetitionThreshold, ResponseMailing
from organiser.db import db, dialect_insert
from organiser.web.urls import external_url

log = logging.getLogger(__name__)

NEXT_STEP_LABELS = {
    "response": _l("The decision-maker is asked for a response"),
    "debate": _l("The coalition requests a debate or a meeting"),
    "other": _l("Something else (say what)"),
}
MAX_THRESHOLDS = 10


class ThresholdError(Exception):
    """The threshold cannot be set as asked; the message says why (for the coordinator)."""


def thresholds_of(petition: Petition | int) -> list[PetitionThreshold]:
    petition_id = petition if isinstance(petition, int) else petition.id
    query = (
        select(PetitionThreshold)
        .where(PetitionThreshold.petition_id == petition_id)
        .order_by(PetitionThreshold.signatures)
    )
    return list(db.session.scalars(query))


def counts_of(petition_id: int) -> list[int]:
    """The signature counts of a petition's thresholds (for ``milestones.thresholds``)."""
    query = select(PetitionThreshold.signatures).where(PetitionThreshold.petition_id == petition_id)
    return list(db.session.scalars(query))


def what_happens(threshold: PetitionThreshold) -> str:
    """What happens at this threshold, in words: the coalition's own, or the step's label."""
    if threshold.next_step == NextStep.OTHER:
        return threshold.details
    label = str(NEXT_STEP_LABELS[str(threshold.next_step)])
    return f"{label}: {threshold.details}" if threshold.details else label


def add_threshold(petition: Petition, signatures: int, next_step: str, details: str, *, by: Any) -> None:
    """Set a threshold; one the count has passed already is recorded as reached, telling no one."""
    from organiser.actions.petitions.milestones import claim

    existing = thresholds_of(petition)
    if any(t.signatures == signatures for t in existing):
        raise ThresholdError(_("There is a threshold at %(n)s signatures already.", n=signatures))
    if len(existing) >= MAX_THRESHOLDS:
        raise ThresholdError(_("Set at most %(n)s thresholds.", n=MAX_THRESHOLDS))
    db.session.add(
        PetitionThreshold(
            petition_id=petition.id,
            signatures=signatures,
            next_step=next_step,
            details=details.strip(),
            created_by_id=by.id,
        )
    )
    db.session.flush()
    if signatures <= petition.signature_count:
        claim(petition.id, signatures, notified=False)
    log.info("threshold %s (%s) set on petition %s by %s", signatures, next_step, petition.id, by.id)


def remove_threshold(petition: Petition, threshold_id: int, *, by: Any) -> bool:
    removed = db.session.execute(
        delete(PetitionThreshold)
        .where(PetitionThreshold.id == threshold_id, PetitionThreshold.petition_id == petition.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if removed:
        log.info("threshold %s of petition %s removed by %s", threshold_id, petition.id, by.id)
    return bool(removed)


@dataclass(frozen=True)
class Shown:
    """A threshold as the petition's page shows it."""

    signatures: int
    what_happens: str
    reached_at: datetime | None
    to_go: int


def shown(petition: Petition) -> list[Shown]:
    """The petition's thresholds, reached or not, each with what happens next (for its page)."""
    steps = thresholds_of(petition)
    if not steps:
        return []
    reached = dict(
        db.session.execute(
            select(PetitionMilestone.threshold, PetitionMilestone.reached_at).where(
                PetitionMilestone.petition_id == petition.id
            )
        ).all()
    )
    return [
        Shown(
            t.signatures,
            what_happens(t),
            reached.get(t.signatures),
            max(0, t.signatures - petition.signature_count),
        )
        for t in steps
    ]


def response_due(petition: Petition) -> bool:
    """Whether a threshold that asks the decision-maker for a response has been reached."""
    asking = [t.signatures for t in thresholds_of(petition) if t.next_step == NextStep.RESPONSE]
    return any(count <= petition.signature_count for count in asking)


# ---- a recorded response, e-mailed to the signers ----------------------------------------------------


def _claim_response(response_id: int) -> bool:
    """Take the response's one mailing; False when it has one already (or another request took it)."""
    statement = dialect_insert(ResponseMailing)
    if statement is None:
        if db.session.get(ResponseMailing, response_id) is not None:
            return False
        db.session.add(ResponseMailing(response_id=response_id))
        db.session.flush()
        return True
    statement = (
        statement.values(response_id=response_id)
        .on_conflict_do_nothing(index_elements=[ResponseMailing.response_id])
        .returning(ResponseMailing.response_id)
    )
    return db.session.execute(statement).first() is not None


def _response_text(petition: Petition, response: Any) -> tuple[str, str]:
    target = response.target
    who = ", ".join(part for part in (target.name, target.role) if part)
    subject = _("%(name)s responded to “%(title)s”", name=target.name, title=petition.title)[:300]
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in response.text.splitlines())
    body = "\n\n".join(
        (
            _("Dear {{ name }},"),
            _(
                "%(who)s responded to the petition “%(title)s”, which you signed:",
                who=who,
                title=petition.title,
            ),
            quoted,
            _(
                "Read it on the petition's page: %(link)s",
                link=external_url("petitions.petition", slug=petition.slug),
            ),
        )
    )
    return subject, body


def email_response(petition: Petition, response: Any, *, by: Any) -> int | None:
    """The first time a response is recorded, a mailing of the coalition takes it to the petition's
    confirmed signers who agreed to hear from it; returns the mailing's id (None: sent before)."""
    from organiser.messaging.services import mailings

    if not _claim_response(response.id):
        return None
    coalition = petition.coalition
    with force_locale((coalition.languages or ["en"])[0]):
        subject, body = _response_text(petition, response)
    mailing = mailings.create_mailing(
        petition.coalition_id,
        by=by,
        subject=subject,
        from_name=coalition.name[:200],
        reply_to="",
        segments=[{"kind": "petition_signers", "params": {"petition_id": petition.id}}],
        body_markdown=body,
    )
    mailings.start(mailing, by=by)
    row = db.session.get(ResponseMailing, response.id)
    row.mailing_id = mailing.id
    db.session.flush()
    log.info(
        "response %s to petition %s e-mailed to its signers: mailing %s", response.id, petition.id, mailing.id
    )
    return mailing.id
