"""The people drawn are invited by e-mail (through the outbox) with a link to a page where they
accept or decline. Accepting makes them a registration of the assembly (confirmed into a place, with
the usual e-mail and calendar entry); a decline leaves a seat for a replacement draw."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.assemblies import services as assemblies
from organiser.assemblies.models import Registration
from organiser.assemblies.sortition import selection
from organiser.assemblies.sortition.models import Invitation, SortitionPool, Volunteer
from organiser.assemblies.sortition.volunteers import send
from organiser.db import db, utcnow
from organiser.web.public_actions import link_token, row_for_link
from organiser.web.urls import external_url

log = logging.getLogger(__name__)


def invitation_token(volunteer: Volunteer) -> str:
    return link_token("sortition.invitation", volunteer.id)


def volunteer_for_invitation(token: str) -> Volunteer | None:
    volunteer = row_for_link(Volunteer, "sortition.invitation", token)
    return volunteer if volunteer is not None and volunteer.invitation is not None else None


def invite(pool: SortitionPool) -> int:
    """E-mail everyone on the panel not invited yet; how many."""
    invited = 0
    for volunteer in selection.panel_of(pool):
        if volunteer.invitation is not None:
            continue
        volunteer.invitation = Invitation.INVITED
        link = external_url(
            "sortition.invitation", slug=pool.assembly.slug, token=invitation_token(volunteer)
        )
        subject = _("You have been selected: %(title)s", title=pool.assembly.title)
        send(volunteer, "assemblies/sortition/email/invitation.txt", subject, link=link)
        invited += 1
    log.info("pool %s: %s invited", pool.id, invited)
    return invited


def accept(volunteer: Volunteer) -> None:
    """A seat taken: the volunteer becomes a registration, confirmed into a place."""
    if volunteer.invitation != Invitation.INVITED:
        return
    volunteer.invitation, volunteer.answered_at = Invitation.ACCEPTED, utcnow()
    assembly = volunteer.pool.assembly
    registration = db.session.scalar(
        select(Registration).where(
            Registration.assembly_id == assembly.id, Registration.person_id == volunteer.person_id
        )
    )
    if registration is None:
        registration = Registration(
            assembly_id=assembly.id,
            person_id=volunteer.person_id,
            name=volunteer.name,
            email=volunteer.email,
            confirmation_sends=0,
        )
        db.session.add(registration)
        db.session.flush()
    volunteer.registration_id = registration.id
    assemblies.confirm(registration)


def decline(volunteer: Volunteer) -> None:
    """The seat is given back: the organisers re-draw it."""
    if volunteer.invitation != Invitation.INVITED:
        return
    volunteer.invitation, volunteer.answered_at = Invitation.DECLINED, utcnow()
    db.session.flush()
    log.info("volunteer %s declined the seat in pool %s", volunteer.id, volunteer.pool_id)
