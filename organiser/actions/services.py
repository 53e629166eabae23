"""Petitions: create and open them, sign (double opt-in), confirm, count."""

from __future__ import annotations

import logging
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from organiser.actions.models import Petition, PetitionStatus, Signature
from organiser.core.people import ConsentSubject, record_consent, upsert_person
from organiser.db import db, utcnow
from organiser.messaging.services import queue_email
from organiser.messaging.services.audiences import Segment, register_segment
from organiser.urls import external_url

log = logging.getLogger(__name__)
MAX_CONFIRMATION_SENDS = 3  # the confirmation is re-sent when someone signs again, up to this often


class PetitionStateError(Exception):
    pass


def create_petition(coalition_id: int, *, by: Any, **fields: Any) -> Petition:
    petition = Petition(coalition_id=coalition_id, created_by_id=by.id, **fields)
    db.session.add(petition)
    db.session.flush()
    log.info("petition %s created in coalition %s by %s", petition.id, coalition_id, by.id)
    return petition


def open_petition(petition: Petition, *, by: Any) -> None:
    if petition.status != PetitionStatus.DRAFT:
        raise PetitionStateError("only a draft can be opened")
    petition.status, petition.opened_at = PetitionStatus.OPEN, utcnow()
    db.session.flush()
    log.info("petition %s opened by %s", petition.id, by.id)


def _serializer() -> URLSafeSerializer:
    from flask import current_app

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="organiser.signature")


def confirmation_token(signature: Signature) -> str:
    return _serializer().dumps(signature.id)


def signature_for_token(token: str) -> Signature | None:
    try:
        signature_id = int(_serializer().loads(token))
    except (BadSignature, ValueError, TypeError):
        return None
    return db.session.get(Signature, signature_id)


def consent_wording(petition: Petition) -> str:
    return _(
        "Keep me updated by e-mail about this petition and other campaigns of %(coalition)s.",
        coalition=petition.coalition.name,
    )


def sign(petition: Petition, data: dict[str, Any], *, source: dict[str, str]) -> tuple[Signature, bool]:
    """Record a pending signature and e-mail the link that confirms it.

    Returns the signature and whether it was new. Signing again is not an error: a confirmed
    signature stays as it is; a pending one gets its confirmation again (a few times at most).
    """
    person = upsert_person(
        petition.coalition.lineage()[-1].id,
        data["email"],
        name=data["name"],
        region=data.get("region"),
        country=data.get("country"),
    )
    if data.get("consent_coalition"):
        record_consent(
            person,
            ConsentSubject.COALITION,
            petition.coalition_id,
            given=True,
            wording=consent_wording(petition),
            source=f"petition:{petition.slug}",
        )
    sponsor = _record_sponsor_consent(petition, person, data, source.get("source", ""))
    signature = db.session.scalar(
        select(Signature).where(Signature.petition_id == petition.id, Signature.person_id == person.id)
    )
    created = signature is None
    if created:
        signature = Signature(
            petition_id=petition.id,
            person_id=person.id,
            name=data["name"],
            region=data.get("region") or "",
            country=data.get("country") or None,
            comment=data.get("comment") or "",
            public_name=bool(data.get("public_name")),
            sponsor_organisation_id=sponsor.organisation_id if sponsor else None,
            **source,
        )
        db.session.add(signature)
        db.session.flush()
    if signature.confirmed_at is None and signature.confirmation_sends < MAX_CONFIRMATION_SENDS:
        signature.confirmation_sends += 1
        _send_confirmation(petition, signature, person.email)
    return signature, created


def _record_sponsor_consent(petition: Petition, person: Any, data: dict[str, Any], code: str) -> Any:
    """The accepted co-sponsor whose tracking code the signer came by (or None); records the
    signer's consent to hear from it when they ticked its box."""
    from organiser.actions.sponsors import sponsor_consent_wording, sponsor_for_code

    sponsor = sponsor_for_code(petition, code)
    if sponsor is not None and data.get("consent_sponsor"):
        record_consent(
            person,
            ConsentSubject.ORGANISATION,
            sponsor.organisation_id,
            given=True,
            wording=sponsor_consent_wording(sponsor.organisation),
            source=f"petition:{petition.slug}",
        )
    return sponsor


def _send_confirmation(petition: Petition, signature: Signature, email: str) -> None:
    link = external_url("actions.confirm", slug=petition.slug, token=confirmation_token(signature))
    queue_email(
        to=email,
        subject=_("Confirm your signature: %(title)s", title=petition.title),
        text=render_template("actions/email/confirm.txt", petition=petition, signature=signature, link=link),
    )


def confirm(signature: Signature) -> bool:
    """Confirm once; the count goes up in the same transaction. Returns False if already confirmed."""
    claimed = db.session.execute(
        update(Signature)
        .where(Signature.id == signature.id, Signature.confirmed_at.is_(None))
        .values(confirmed_at=utcnow())
    ).rowcount
    if not claimed:
        return False
    db.session.execute(
        update(Petition)
        .where(Petition.id == signature.petition_id)
        .values(signature_count=Petition.signature_count + 1)
    )
    db.session.flush()
    from organiser.actions.milestones import check_milestones

    check_milestones(signature.petition)
    return True


def recent_public_signers(petition: Petition, limit: int = 10) -> list[Signature]:
    if not petition.shows_signers:
        return []  # a sensitive coalition shows no one's name in public
    query = (
        select(Signature)
        .where(
            Signature.petition_id == petition.id, Signature.confirmed_at.is_not(None), Signature.public_name
        )
        .order_by(Signature.confirmed_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def petitions_of(coalition_id: int) -> list[Petition]:
    query = select(Petition).where(Petition.coalition_id == coalition_id).order_by(Petition.created_at.desc())
    return list(db.session.scalars(query))


def by_slug(slug: str) -> Petition | None:
    return db.session.scalar(select(Petition).where(Petition.slug == slug))


def _petition_choices(coalition: Any) -> list[tuple[dict[str, Any], str]]:
    return [
        ({"petition_id": p.id}, _("People who signed “%(title)s”", title=p.title))
        for p in petitions_of(coalition.id)
        if p.is_public
    ]


def _petition_signers(mailing: Any, params: dict[str, Any]) -> Any:
    """Confirmed signers of one of the mailing coalition's own petitions."""
    return (
        select(Signature.person_id)
        .join(Petition, Petition.id == Signature.petition_id)
        .where(
            Signature.petition_id == int(params.get("petition_id", 0)),
            Petition.coalition_id == mailing.coalition_id,
            Signature.confirmed_at.is_not(None),
        )
    )


register_segment(Segment("petition_signers", _petition_choices, _petition_signers))


def close_petition(petition: Petition, *, by: Any) -> None:
    if petition.status != PetitionStatus.OPEN:
        raise PetitionStateError("only an open petition can be closed")
    petition.status, petition.closed_at = PetitionStatus.CLOSED, utcnow()
    db.session.flush()
    log.info("petition %s closed by %s", petition.id, by.id)


def export_signatures(petition: Petition, *, by: Any) -> str:
    """Every signature as CSV for coordinators (formula-safe); the export is logged."""
    from organiser.core.people import Person
    from organiser.exports import to_csv

    rows = db.session.execute(
        select(Signature, Person.email)
        .join(Person, Person.id == Signature.person_id)
        .where(Signature.petition_id == petition.id)
        .order_by(Signature.id)
    ).all()
    log.info("signatures of petition %s exported by %s (%s rows)", petition.id, by.id, len(rows))
    return to_csv(
        [
            "name",
            "email",
            "region",
            "country",
            "comment",
            "public_name",
            "source",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "signed_at",
            "confirmed_at",
        ],
        [
            (
                s.name,
                email,
                s.region,
                s.country,
                s.comment,
                "yes" if s.public_name else "no",
                s.source,
                s.utm_source,
                s.utm_medium,
                s.utm_campaign,
                s.created_at.isoformat(),
                s.confirmed_at.isoformat() if s.confirmed_at else "",
            )
            for s, email in rows
        ],
    )


def summary(petition: Petition) -> dict[str, Any]:
    """The petition with its confirmed counts by country, region and source (no personal data)."""
    from sqlalchemy import func

    def counted(column: Any) -> dict[str, int]:
        rows = db.session.execute(
            select(column, func.count())
            .where(Signature.petition_id == petition.id, Signature.confirmed_at.is_not(None))
            .group_by(column)
        ).all()
        return {str(key or ""): n for key, n in rows}

    return {
        "title": petition.title,
        "slug": petition.slug,
        "ask": petition.ask,
        "target": petition.target,
        "status": str(petition.status),
        "goal": petition.goal,
        "count": petition.signature_count,
        "by_country": counted(Signature.country),
        "by_region": counted(Signature.region),
        "by_source": counted(Signature.source),
    }
