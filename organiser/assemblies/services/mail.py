"""The e-mails to registrants: the link that confirms a registration, where they stand once
confirmed or promoted (a place, with the calendar entry, or the waitlist), a reminder, and the news
that the assembly is cancelled. Each goes to the outbox inside the transaction, tied to the person so
that erasing them finds it."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.assemblies.ics import calendar_for
from organiser.assemblies.models import PLACE_TAKING, Assembly, Registration, RegistrationStatus
from organiser.assemblies.services.links import confirmation_token, page_url
from organiser.assemblies.services.places import waitlist_position
from organiser.assemblies.services.programme import when
from organiser.db import db
from organiser.messaging.mime import Attachment
from organiser.messaging.services import queue_email
from organiser.web.urls import external_url


def send_confirmation(registration: Registration) -> None:
    assembly = registration.assembly
    link = external_url("assemblies.confirm", slug=assembly.slug, token=confirmation_token(registration))
    send(
        registration,
        "assemblies/email/confirm.txt",
        _("Confirm your registration: %(title)s", title=assembly.title),
        link=link,
    )


def send_placed(registration: Registration, *, promoted: bool) -> None:
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
    attachments = [Attachment(f"{assembly.slug}.ics", "text/calendar", calendar)]
    if confirmed:  # the check-in code as a QR code (organiser.assemblies.dayof.qr)
        from organiser.assemblies.dayof.qr import qr_png

        attachments.append(Attachment("check-in.png", "image/png", qr_png(registration)))
    send(
        registration,
        "assemblies/email/placed.txt",
        subject,
        attachments=attachments,
        confirmed=confirmed,
        promoted=promoted,
        position=waitlist_position(registration),
    )


def tell_cancelled(assembly: Assembly) -> int:
    """Tell everyone with a place or on the waitlist that the assembly is cancelled; how many."""
    told = 0
    for registration in db.session.scalars(
        select(Registration).where(
            Registration.assembly_id == assembly.id,
            Registration.status.in_((*PLACE_TAKING, RegistrationStatus.WAITLISTED)),
            Registration.person_id.is_not(None),
        )
    ):
        send(registration, "assemblies/email/assembly_cancelled.txt", _("Cancelled: %(t)s", t=assembly.title))
        told += 1
    return told


def send(
    registration: Registration,
    template: str,
    subject: str,
    *,
    attachments: list[Any] | None = None,
    **context: Any,
) -> None:
    """One e-mail to a registrant, with the assembly's times and the links to their own page and
    to the assembly's."""
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
