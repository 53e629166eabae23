"""A supporter's page, as the viewer may see it: what they did in the viewer's coalitions, their
consents with the wording they were shown, the mail they were sent, and the coordinators' tags and
notes. An organisation's admins see their details, their consent to the organisation and the
organisation's own mail to them — nothing the coalition holds beyond that."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, or_, select

from organiser.coalitions.models import Coalition, Membership, Organisation
from organiser.core.models import User
from organiser.db import as_utc, db
from organiser.messaging.models import Mailing, OutboxMessage
from organiser.people.activity import Act, activity_sources
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person
from organiser.supporters.scope import Viewer

MAIL_SHOWN = 100  # the newest messages to them
MAIL_LABELS = {
    "queued": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Could not be delivered"),
    "suppressed": _l("Not sent: unsubscribed or bounced"),
    "cancelled": _l("Not sent: cancelled"),
}
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Consent:
    who: str
    given: bool
    wording: str
    source: str
    at: datetime | None


@dataclass(frozen=True)
class Mail:
    subject: str
    status: str
    at: datetime | None


def acts(viewer: Viewer, person: Person) -> list[Act]:
    """Their actions in the viewer's coalitions, newest first (coordinators only)."""
    if not viewer.is_coordinator:
        return []
    found = [act for source in activity_sources() for act in source.history(person.id, viewer.coalition_ids)]
    return sorted(found, key=lambda act: act.at or _NEVER, reverse=True)


def _organisations_in_view(viewer: Viewer) -> Any:
    if viewer.organisation_ids:
        return list(viewer.organisation_ids)
    return select(Membership.organisation_id).where(Membership.coalition_id.in_(viewer.coalition_ids))


def _consent_subjects(viewer: Viewer, model: Any) -> ColumnElement[bool] | None:
    """Whose consents the viewer sees: everyone's for the whole tree; the coalitions in view and their
    member organisations for a chapter; only their own organisations for an organisation's admins."""
    if viewer.whole_tree and viewer.is_coordinator:
        return None
    to_organisations = and_(
        model.subject_type == ConsentSubject.ORGANISATION,
        model.subject_id.in_(_organisations_in_view(viewer)),
    )
    if not viewer.is_coordinator:
        return to_organisations
    to_coalitions = and_(
        model.subject_type == ConsentSubject.COALITION, model.subject_id.in_(viewer.coalition_ids)
    )
    return or_(to_coalitions, to_organisations)


def _subject_names(keys: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    names: dict[tuple[str, int], str] = {}
    for kind, model in ((ConsentSubject.COALITION, Coalition), (ConsentSubject.ORGANISATION, Organisation)):
        ids = [i for k, i in keys if k == kind]
        if ids:
            rows = db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()
            names.update({(kind, i): n for i, n in rows})
    return names


def consents(viewer: Viewer, person: Person) -> tuple[list[Consent], list[Consent]]:
    """(today's answers, the ledger newest first) for the subjects the viewer sees."""
    shown = _consent_subjects(viewer, ConsentEvent)
    events = list(
        db.session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.person_id == person.id, *([shown] if shown is not None else []))
            .order_by(ConsentEvent.created_at.desc(), ConsentEvent.id.desc())
        )
    )
    current = _consent_subjects(viewer, ConsentState)
    states = list(
        db.session.scalars(
            select(ConsentState)
            .where(ConsentState.person_id == person.id, *([current] if current is not None else []))
            .order_by(ConsentState.id)
        )
    )
    names = _subject_names({(str(x.subject_type), x.subject_id) for x in [*events, *states]})

    def who(row: Any) -> str:
        return names.get((str(row.subject_type), row.subject_id), "—")

    return (
        [Consent(who(s), s.granted, "", "", as_utc(s.updated_at)) for s in states],
        [Consent(who(e), e.given, e.wording, e.source, as_utc(e.created_at)) for e in events],
    )


def mail(viewer: Viewer, person: Person) -> list[Mail]:
    """Mail sent to them that the viewer may know of: the whole tree's coordinators see every message
    (confirmations too); a chapter's, the coalition's mailings; an organisation's admins, its own.
    An organisation's mailing is the organisation's: coordinators do not see it (not even its subject)."""
    query = select(
        OutboxMessage.subject, OutboxMessage.status, OutboxMessage.sent_at, OutboxMessage.created_at
    )
    query = query.outerjoin(Mailing, Mailing.id == OutboxMessage.mailing_id).where(
        OutboxMessage.person_id == person.id
    )
    if not viewer.is_coordinator:
        query = query.where(Mailing.organisation_id.in_(viewer.organisation_ids))
    elif not viewer.whole_tree:
        query = query.where(Mailing.coalition_id.in_(viewer.coalition_ids), Mailing.organisation_id.is_(None))
    else:
        query = query.where(or_(Mailing.id.is_(None), Mailing.organisation_id.is_(None)))
    rows = db.session.execute(
        query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(MAIL_SHOWN)
    ).all()
    return [Mail(subject, str(status), as_utc(sent or made)) for subject, status, sent, made in rows]


def authors(notes: list[Any]) -> dict[int, str]:
    """The names of the notes' authors (a removed account's notes stay, unsigned)."""
    ids = {note.author_id for note in notes if note.author_id}
    if not ids:
        return {}
    return {user.id: user.display_name for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
