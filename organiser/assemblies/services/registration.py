"""Registering for an assembly (double opt-in): a pending registration and the e-mail with the link
that confirms it; registering again; and what the confirmation gives the person's own record (their
details, and the consent they ticked, with its wording)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from organiser.assemblies.models import Assembly, Registration, RegistrationStatus
from organiser.assemblies.services.mail import send, send_confirmation
from organiser.db import db
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import person_id_for, record_consent, supporter_email
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS


@dataclass(frozen=True)
class RegisterResult:
    registration_id: int
    created: bool


def register(assembly: Assembly, data: dict[str, Any], *, ip: str) -> RegisterResult:
    """A pending registration and the e-mail with the link that confirms it.

    Registering again is not an error and never takes a second place: a pending registration gets
    its link again (and the details typed now), a cancelled one starts again as pending, and someone
    with a place or on the waitlist is sent a reminder with the link to their registration page.
    The page answers the same in every case, so it tells no one who has registered."""
    address = supporter_email(data["email"])
    details = _details(data, address, ip)
    # a new person starts from what they typed; a known one waits for the confirmation
    fields = {key: details[key] for key in ("name", "region", "country")}
    person = db.session.get(Person, person_id_for(assembly.coalition.lineage()[-1].id, address, fields))
    existing = _registration_of(assembly.id, person.id)
    if existing is None:
        try:
            with db.session.begin_nested():
                registration = Registration(
                    assembly_id=assembly.id, person_id=person.id, confirmation_sends=1, **details
                )
                db.session.add(registration)
        except IntegrityError:  # the same person, registering twice at the same moment
            existing = _registration_of(assembly.id, person.id)
        else:
            send_confirmation(registration)
            return RegisterResult(registration.id, True)
    assert existing is not None
    _registered_again(existing, details)
    return RegisterResult(existing.id, False)


def _details(data: dict[str, Any], address: str, ip: str) -> dict[str, Any]:
    """What the registration keeps of the form, cleaned."""
    return {
        "name": data["name"].strip(),
        "email": address,
        "region": (data.get("region") or "").strip(),
        "country": data.get("country") or None,
        "language": (data.get("language") or "").strip(),
        "access_needs": (data.get("access_needs") or "").strip(),
        "needs": dict(data.get("needs") or {}),  # need → detail (organiser.assemblies.needs)
        "answers": dict(data.get("answers") or {}),  # question id → {"question", "answer"}
        "consent_coalition": bool(data.get("consent_coalition")),
        "ip": ip[:64],
    }


def _registration_of(assembly_id: int, person_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.assembly_id == assembly_id, Registration.person_id == person_id
        )
    )


def _registered_again(registration: Registration, details: dict[str, Any]) -> None:
    if registration.status == RegistrationStatus.CANCELLED:
        for key, value in details.items():
            setattr(registration, key, value)
        registration.status = RegistrationStatus.PENDING
        registration.confirmed_at = registration.cancelled_at = registration.promoted_at = None
        registration.check_in_code = None
        registration.confirmation_sends = 1
        db.session.flush()
        send_confirmation(registration)
        return
    if registration.confirmation_sends >= MAX_CONFIRMATION_SENDS:
        return
    registration.confirmation_sends += 1
    if registration.status == RegistrationStatus.PENDING:
        for key, value in details.items():  # nothing is confirmed yet: the latest details count
            setattr(registration, key, value)
        db.session.flush()
        send_confirmation(registration)
    else:
        db.session.flush()
        send(
            registration,
            "assemblies/email/already.txt",
            _("You are registered: %(title)s", title=registration.assembly.title),
        )


def consent_wording(assembly: Assembly) -> str:
    return _(
        "Keep me updated by e-mail about this assembly and other campaigns of %(coalition)s.",
        coalition=assembly.coalition.name,
    )


def apply_confirmed_choices(registration: Registration) -> None:
    """The address is the person's: their details go to their record, the box they ticked to the
    consent ledger (with the wording shown and this time)."""
    person = db.session.get(Person, registration.person_id) if registration.person_id else None
    if person is None:
        return
    person.name = registration.name or person.name
    person.region = registration.region or person.region
    person.country = registration.country or person.country
    if registration.consent_coalition:
        assembly = registration.assembly
        record_consent(
            person,
            ConsentSubject.COALITION,
            assembly.coalition_id,
            given=True,
            wording=consent_wording(assembly),
            source=f"assembly:{assembly.slug}",
        )
