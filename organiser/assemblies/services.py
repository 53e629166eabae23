"""Assemblies: create and publish them; register (double opt-in), confirm into a place or onto the
waitlist, cancel and promote the next in line, check people in; figures and the CSV export.

The waitlist must be exactly right (DESIGN.md, flow 3): every decision about places — confirming,
cancelling, promoting, checking in — is taken while holding the assembly's row lock (``SELECT … FOR
UPDATE`` on PostgreSQL; on SQLite a write to the row takes the database's single write lock first),
and counts the places taken inside that lock. So concurrent confirmations never exceed the capacity,
and a freed place goes to the first person on the waitlist, in order of confirmation.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from organiser.assemblies.ics import calendar_for
from organiser.assemblies.models import (
    PLACE_TAKING,
    AgendaItem,
    Assembly,
    AssemblyStatus,
    Registration,
    RegistrationStatus,
)
from organiser.coalitions.models import Organisation
from organiser.core.scopes import ScopeKind
from organiser.db import db, utcnow
from organiser.messaging.mime import Attachment
from organiser.messaging.services import queue_email
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import person_id_for, record_consent, supporter_email
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS, link_token, read_link_token
from organiser.web.urls import external_url

log = logging.getLogger(__name__)

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out at a door


class AssemblyStateError(Exception):
    pass


class RegistrationStateError(Exception):
    pass


# ---- assemblies -----------------------------------------------------------------------------------


def create_assembly(coalition_id: int, *, by: Any, hosts: list[int], **fields: Any) -> Assembly:
    assembly = Assembly(coalition_id=coalition_id, created_by_id=by.id, **fields)
    assembly.hosts = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(hosts))))
    db.session.add(assembly)
    db.session.flush()
    log.info("assembly %s created in coalition %s by %s", assembly.id, coalition_id, by.id)
    return assembly


class CapacityTooSmall(Exception):
    def __init__(self, taken: int) -> None:
        super().__init__(f"{taken} places are taken")
        self.taken = taken


def update_assembly(assembly: Assembly, *, by: Any, hosts: list[int], **fields: Any) -> list[Registration]:
    """Change an assembly's details. More places go to the waitlist at once, in order (and those
    promoted are mailed); fewer places than people holding one is refused, since no one's place is
    taken away. Returns the people promoted."""
    _lock_assembly(assembly.id)
    taken = places_taken(assembly.id)
    if fields.get("capacity", assembly.capacity) < taken:
        raise CapacityTooSmall(taken)
    for key, value in fields.items():
        setattr(assembly, key, value)
    assembly.hosts = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(hosts))))
    db.session.flush()
    log.info("assembly %s changed by %s", assembly.id, by.id)
    return promote_from_waitlist(assembly)


class OutsideTheAssembly(Exception):
    pass


def add_agenda_item(
    assembly: Assembly, *, starts_at: Any, title: str, description: str, by: Any
) -> AgendaItem:
    """Add a part of the programme; its time must fall within the assembly."""
    from organiser.db import as_utc

    if not as_utc(assembly.starts_at) <= starts_at < as_utc(assembly.ends_at):
        raise OutsideTheAssembly
    item = AgendaItem(assembly_id=assembly.id, starts_at=starts_at, title=title, description=description)
    db.session.add(item)
    db.session.flush()
    db.session.refresh(assembly, ["agenda"])
    log.info("agenda item %s added to assembly %s by %s", item.id, assembly.id, by.id)
    return item


def remove_agenda_item(item: AgendaItem, *, by: Any) -> None:
    db.session.delete(item)
    db.session.flush()
    log.info("agenda item %s removed from assembly %s by %s", item.id, item.assembly_id, by.id)


def publish(assembly: Assembly, *, by: Any) -> None:
    if assembly.status != AssemblyStatus.DRAFT:
        raise AssemblyStateError("only a draft can be published")
    assembly.status, assembly.published_at = AssemblyStatus.PUBLISHED, utcnow()
    db.session.flush()
    log.info("assembly %s published by %s", assembly.id, by.id)


def cancel_assembly(assembly: Assembly, *, by: Any) -> int:
    """Cancel a published assembly and tell everyone with a place or on the waitlist."""
    if assembly.status != AssemblyStatus.PUBLISHED:
        raise AssemblyStateError("only a published assembly can be cancelled")
    _lock_assembly(assembly.id)
    assembly.status, assembly.cancelled_at = AssemblyStatus.CANCELLED, utcnow()
    told = 0
    for registration in db.session.scalars(
        select(Registration).where(
            Registration.assembly_id == assembly.id,
            Registration.status.in_((*PLACE_TAKING, RegistrationStatus.WAITLISTED)),
            Registration.person_id.is_not(None),
        )
    ):
        _send(
            registration, "assemblies/email/assembly_cancelled.txt", _("Cancelled: %(t)s", t=assembly.title)
        )
        told += 1
    db.session.flush()
    log.info("assembly %s cancelled by %s (%s registrants told)", assembly.id, by.id, told)
    return told


def assemblies_of(coalition_id: int) -> list[Assembly]:
    query = select(Assembly).where(Assembly.coalition_id == coalition_id).order_by(Assembly.starts_at.desc())
    return list(db.session.scalars(query))


def by_slug(slug: str) -> Assembly | None:
    from sqlalchemy.orm import joinedload

    return db.session.scalar(
        select(Assembly).where(Assembly.slug == slug).options(joinedload(Assembly.coalition))
    )


def can_create_in(coalition: Any, user: Any) -> bool:
    """Coordinators of the coalition (or above it), and organisers of one of its assemblies."""
    if not user.is_authenticated:
        return False
    if coalition.can_manage(user):
        return True
    from organiser.core.models import Role

    held = user.scope_ids(Role.ASSEMBLY_ORGANISER)
    return bool(held) and (
        db.session.scalar(
            select(Assembly.id).where(Assembly.coalition_id == coalition.id, Assembly.id.in_(held)).limit(1)
        )
        is not None
    )


def host_choices(coalition: Any) -> list[tuple[int, str]]:
    """The coalition's active member organisations, which may host its assemblies."""
    return [(m.organisation.id, m.organisation.name) for m in coalition.active_members()]


# ---- times, in the assembly's own zone -----------------------------------------------------------


def _locale() -> Any:
    from babel import Locale
    from flask_babel import get_locale

    return get_locale() or Locale("en")


def local_time(assembly: Assembly, moment: Any) -> str:
    """A stored time as the assembly's local date and time, in the reader's language."""
    from babel.dates import format_date

    local = assembly.local(moment)
    if local is None:
        return ""
    return f"{format_date(local.date(), 'full', locale=_locale())}, {_clock(local)}"


def _clock(local: Any) -> str:
    """The time of day; with its UTC offset when the clocks go back and the zone shows it twice
    (organiser.web.times: a repeated time typed in the form is the first of the two)."""
    from babel.dates import format_time

    from organiser.web.times import offset_if_ambiguous

    text = format_time(local.time(), "short", locale=_locale())
    offset = offset_if_ambiguous(local)
    return f"{text} ({offset})" if offset else text


def when(assembly: Assembly) -> str:
    """ "Saturday, 5 December 2026, 09:00–16:00 (Africa/Lusaka)": local times with the zone named."""
    start, end = assembly.local(assembly.starts_at), assembly.local(assembly.ends_at)
    assert start is not None and end is not None
    if start.date() == end.date():
        text = f"{local_time(assembly, assembly.starts_at)}–{_clock(end)}"
    else:
        text = f"{local_time(assembly, assembly.starts_at)} – {local_time(assembly, assembly.ends_at)}"
    return f"{text} ({assembly.timezone})"


# ---- the lock and the figures ---------------------------------------------------------------------


def _lock_assembly(assembly_id: int) -> None:
    """Hold the assembly's row until the transaction ends: decisions about places are taken one at
    a time. PostgreSQL: ``SELECT … FOR UPDATE``. SQLite: a write to the row, which takes the one
    write lock at once (a read first would let two transactions deadlock on the upgrade)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Assembly.id).where(Assembly.id == assembly_id).with_for_update())
    else:
        db.session.execute(
            update(Assembly)
            .where(Assembly.id == assembly_id)
            .values(capacity=Assembly.capacity)
            .execution_options(synchronize_session=False)
        )


def places_taken(assembly_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.assembly_id == assembly_id, Registration.status.in_(PLACE_TAKING))
    )


def counts(assembly: Assembly) -> dict[str, int]:
    """Registrations by status, with ``registered`` (holding a place, including those who came)."""
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.assembly_id == assembly.id)
        .group_by(Registration.status)
    ).all()
    by_status = {str(status): n for status, n in rows}
    figures = {str(status): by_status.get(str(status), 0) for status in RegistrationStatus}
    figures["registered"] = figures["confirmed"] + figures["attended"]
    return figures


def places_left(assembly: Assembly) -> int:
    return max(assembly.capacity - places_taken(assembly.id), 0)


# ---- registering ----------------------------------------------------------------------------------


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
    fields = {
        "name": data["name"].strip(),
        "region": (data.get("region") or "").strip(),
        "country": data.get("country") or None,
    }  # a new person starts from what they typed; a known one waits for the confirmation
    person = db.session.get(Person, person_id_for(assembly.coalition.lineage()[-1].id, address, fields))
    details = {
        "name": data["name"].strip(),
        "email": address,
        "region": (data.get("region") or "").strip(),
        "country": data.get("country") or None,
        "language": (data.get("language") or "").strip(),
        "access_needs": (data.get("access_needs") or "").strip(),
        "consent_coalition": bool(data.get("consent_coalition")),
        "ip": ip[:64],
    }
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
            _send_confirmation(registration)
            return RegisterResult(registration.id, True)
    assert existing is not None
    _registered_again(existing, details)
    return RegisterResult(existing.id, False)


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
        _send_confirmation(registration)
        return
    if registration.confirmation_sends >= MAX_CONFIRMATION_SENDS:
        return
    registration.confirmation_sends += 1
    if registration.status == RegistrationStatus.PENDING:
        for key, value in details.items():  # nothing is confirmed yet: the latest details count
            setattr(registration, key, value)
        db.session.flush()
        _send_confirmation(registration)
    else:
        db.session.flush()
        _send(
            registration,
            "assemblies/email/already.txt",
            _("You are registered: %(title)s", title=registration.assembly.title),
        )


# ---- links ------------------------------------------------------------------------------------------


def confirmation_token(registration: Registration) -> str:
    return link_token("registration.confirm", registration.id)


def page_token(registration: Registration) -> str:
    return link_token("registration.page", registration.id)


def _registration_for(token: str, purpose: str) -> Registration | None:
    registration_id = read_link_token(f"registration.{purpose}", token)
    if not isinstance(registration_id, int):
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.person_id is None:  # erased: the links die with the data
        return None
    return registration


def registration_for_confirmation(token: str) -> Registration | None:
    return _registration_for(token, "confirm")


def registration_for_page(token: str) -> Registration | None:
    return _registration_for(token, "page")


def page_url(registration: Registration) -> str:
    return external_url(
        "assemblies.registration_page", slug=registration.assembly.slug, token=page_token(registration)
    )


# ---- confirming, cancelling, promoting ----------------------------------------------------------


def confirm(registration: Registration) -> bool:
    """Confirm once: a place if one is free, otherwise the end of the waitlist; the person is told
    which. False if it was confirmed (or cancelled) before, or the assembly is cancelled."""
    _lock_assembly(registration.assembly_id)
    db.session.refresh(registration)
    assembly = registration.assembly
    db.session.refresh(assembly)
    if registration.status != RegistrationStatus.PENDING or assembly.status == AssemblyStatus.CANCELLED:
        return False
    has_place = places_taken(assembly.id) < assembly.capacity
    registration.status = RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED
    registration.confirmed_at = utcnow()
    registration.check_in_code = _new_check_in_code(assembly.id)
    _apply_confirmed_choices(registration)
    db.session.flush()
    _send_placed(registration, promoted=False)
    log.info("registration %s for assembly %s: %s", registration.id, assembly.id, registration.status)
    return True


def cancel_registration(registration: Registration, *, by: Any = None) -> list[Registration]:
    """Cancel (on the person's request, or an organiser's); a freed place goes to the next on the
    waitlist. Returns the people promoted."""
    _lock_assembly(registration.assembly_id)
    db.session.refresh(registration)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.ATTENDED):
        raise RegistrationStateError(f"a registration that is {registration.status} cannot be cancelled")
    held_place = registration.status in PLACE_TAKING
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, utcnow()
    db.session.flush()
    log.info(
        "registration %s for assembly %s cancelled by %s",
        registration.id,
        registration.assembly_id,
        getattr(by, "id", "the registrant"),
    )
    return promote_from_waitlist(registration.assembly) if held_place else []


def promote_from_waitlist(assembly: Assembly) -> list[Registration]:
    """Give the free places to the waitlist, first confirmed first, and e-mail each person promoted.
    The caller holds the assembly's lock."""
    db.session.refresh(assembly)
    if assembly.status == AssemblyStatus.CANCELLED or assembly.has_ended():
        return []
    free = assembly.capacity - places_taken(assembly.id)
    if free <= 0:
        return []
    promoted = list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.assembly_id == assembly.id, Registration.status == RegistrationStatus.WAITLISTED
            )
            .order_by(Registration.confirmed_at, Registration.id)
            .limit(free)
        )
    )
    now = utcnow()
    for registration in promoted:
        registration.status, registration.promoted_at = RegistrationStatus.CONFIRMED, now
    db.session.flush()
    for registration in promoted:
        _send_placed(registration, promoted=True)
        log.info("registration %s promoted from the waitlist of assembly %s", registration.id, assembly.id)
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return 1 + db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.assembly_id == registration.assembly_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            (Registration.confirmed_at < registration.confirmed_at)
            | (
                (Registration.confirmed_at == registration.confirmed_at) & (Registration.id < registration.id)
            ),
        )
    )


def _new_check_in_code(assembly_id: int) -> str:
    while True:  # 32**6 codes: a clash within one assembly is rare, and we hold its lock
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        taken = db.session.scalar(
            select(Registration.id).where(
                Registration.assembly_id == assembly_id, Registration.check_in_code == code
            )
        )
        if taken is None:
            return code


def consent_wording(assembly: Assembly) -> str:
    return _(
        "Keep me updated by e-mail about this assembly and other campaigns of %(coalition)s.",
        coalition=assembly.coalition.name,
    )


def _apply_confirmed_choices(registration: Registration) -> None:
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


# ---- the door ---------------------------------------------------------------------------------------


class CheckInError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unknown", "already", "waitlisted", "not_confirmed"


def check_in_by_code(assembly: Assembly, code: str, *, by: Any) -> Registration:
    normalised = "".join(code.split()).upper()
    registration = db.session.scalar(
        select(Registration).where(
            Registration.assembly_id == assembly.id, Registration.check_in_code == normalised
        )
    )
    if registration is None:
        raise CheckInError("unknown")
    return check_in(registration, by=by)


def check_in(registration: Registration, *, by: Any) -> Registration:
    """Mark a confirmed registration attended. The waitlisted have no place yet: promoting them at
    the door would exceed the capacity, so organisers cancel someone else's place first."""
    _lock_assembly(registration.assembly_id)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.ATTENDED:
        raise CheckInError("already")
    if registration.status == RegistrationStatus.WAITLISTED:
        raise CheckInError("waitlisted")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise CheckInError("not_confirmed")
    registration.status, registration.attended_at = RegistrationStatus.ATTENDED, utcnow()
    db.session.flush()
    log.info(
        "registration %s checked in at assembly %s by %s", registration.id, registration.assembly_id, by.id
    )
    return registration


def registrations_of(assembly: Assembly) -> list[Registration]:
    """Every registration, those with a place first, then the waitlist in order, then the rest."""
    order = {
        RegistrationStatus.ATTENDED: 0,
        RegistrationStatus.CONFIRMED: 0,
        RegistrationStatus.WAITLISTED: 1,
        RegistrationStatus.PENDING: 2,
        RegistrationStatus.CANCELLED: 3,
    }
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.assembly_id == assembly.id)
        .order_by(Registration.confirmed_at, Registration.id)
    ).all()
    return sorted(rows, key=lambda r: order[RegistrationStatus(r.status)])


def export_registrations(assembly: Assembly, *, by: Any) -> str:
    """Every registration as CSV for the organisers (formula-safe); the download is logged."""
    from organiser.web.downloads import to_csv

    rows = registrations_of(assembly)
    log.info("registrations of assembly %s exported by %s (%s rows)", assembly.id, by.id, len(rows))
    return to_csv(
        [
            "name",
            "email",
            "region",
            "country",
            "language",
            "access_needs",
            "status",
            "check_in_code",
            "registered_at",
            "confirmed_at",
            "attended_at",
            "cancelled_at",
        ],
        [
            (
                r.name,
                r.email,
                r.region,
                r.country or "",
                r.language,
                r.access_needs,
                str(r.status),
                r.check_in_code or "",
                _iso(r.created_at),
                _iso(r.confirmed_at),
                _iso(r.attended_at),
                _iso(r.cancelled_at),
            )
            for r in rows
        ],
    )


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


# ---- mail -------------------------------------------------------------------------------------------


def _send_confirmation(registration: Registration) -> None:
    assembly = registration.assembly
    link = external_url("assemblies.confirm", slug=assembly.slug, token=confirmation_token(registration))
    _send(
        registration,
        "assemblies/email/confirm.txt",
        _("Confirm your registration: %(title)s", title=assembly.title),
        link=link,
    )


def _send_placed(registration: Registration, *, promoted: bool) -> None:
    """Where the person stands: a place (with the online link and their calendar entry) or the
    waitlist (with their position)."""
    assembly = registration.assembly
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    if promoted:
        subject = _("A place has opened up for you: %(title)s", title=assembly.title)
    elif confirmed:
        subject = _("Your place is confirmed: %(title)s", title=assembly.title)
    else:
        subject = _("You are on the waitlist: %(title)s", title=assembly.title)
    calendar = calendar_for(assembly, online_url=assembly.online_url if confirmed else "")
    _send(
        registration,
        "assemblies/email/placed.txt",
        subject,
        attachments=[Attachment(f"{assembly.slug}.ics", "text/calendar", calendar)],
        confirmed=confirmed,
        promoted=promoted,
        position=waitlist_position(registration),
    )


def _send(
    registration: Registration,
    template: str,
    subject: str,
    *,
    attachments: list[Any] | None = None,
    **context: Any,
) -> None:
    assembly = registration.assembly
    text = render_template(
        template,
        assembly=assembly,
        registration=registration,
        when=when(assembly),
        page_link=page_url(registration),
        public_link=external_url("assemblies.public", slug=assembly.slug),
        **context,
    )
    row = queue_email(to=registration.email, subject=subject, text=text, attachments=attachments or ())
    row.person_id = registration.person_id  # so erasing the person finds the message
    db.session.flush()


# ---- role grants for one assembly -----------------------------------------------------------------


def _assembly_choices() -> list[tuple[int, str]]:
    return [(a.id, a.title) for a in db.session.scalars(select(Assembly).order_by(Assembly.title))]


SCOPE = ScopeKind("assembly", lambda i: db.session.get(Assembly, i), _assembly_choices)
