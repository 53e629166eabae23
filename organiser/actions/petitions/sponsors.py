"""Co-sponsors of a petition: member organisations invited by the coordinators, who accept or decline;
their tracking links; and the supporters each one brought in who agreed to hear from it.

A signature is attributed to a sponsor when it came through the tracking link of a sponsor that
had accepted at the time (``Signature.sponsor_organisation_id``). The sponsor's supporters are the
confirmed signers so attributed — on a petition it still co-sponsors — whose consent to hear from
that organisation stands today. Unconfirmed signatures never count: confirming proves the address
belongs to the person who gave the consent. Someone who unsubscribed from everyone on the platform
(or complained) is not handed over either: the export leaves the platform, and they asked for no
more mail from anyone.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import exists, select

from organiser.actions.petitions.models import (
    VALID_STATES,
    Petition,
    PetitionSponsor,
    Signature,
    SponsorStatus,
)
from organiser.coalitions.models import Coalition, Membership, MembershipStatus, Organisation
from organiser.core.models import Role, User
from organiser.db import db, utcnow
from organiser.messaging.models import Suppression, SuppressionReason
from organiser.messaging.services import queue_email
from organiser.messaging.services.audiences import Segment
from organiser.people.models import ConsentState, ConsentSubject, Person
from organiser.web.urls import external_url

log = logging.getLogger(__name__)
CODE_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class SponsorError(Exception):
    """An invitation or an answer that cannot be made; the message says why, for the person."""


# ---- who may be invited -----------------------------------------------------------------------


def _tree(coalition: Coalition) -> list[int]:
    """The ids of every coalition in this coalition's tree: the top alliance and all its chapters."""
    ids, frontier = [], [coalition.lineage()[-1]]
    while frontier:
        node = frontier.pop()
        if node.id not in ids:
            ids.append(node.id)
            frontier.extend(node.chapters)
    return ids


def eligible_organisations(petition: Petition) -> list[Organisation]:
    """Active members of any coalition in the petition's coalition tree, by name."""
    query = (
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(
            Membership.coalition_id.in_(_tree(petition.coalition)),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .distinct()
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(query))


def invitable_organisations(petition: Petition) -> list[Organisation]:
    """Eligible organisations not yet invited, or that declined (they may be asked again)."""
    taken = {s.organisation_id for s in sponsors_of(petition) if s.status != SponsorStatus.DECLINED}
    return [o for o in eligible_organisations(petition) if o.id not in taken]


# ---- inviting and answering -------------------------------------------------------------------


def sponsors_of(petition: Petition) -> list[PetitionSponsor]:
    query = (
        select(PetitionSponsor)
        .where(PetitionSponsor.petition_id == petition.id)
        .order_by(PetitionSponsor.invited_at, PetitionSponsor.id)
    )
    return list(db.session.scalars(query))


def accepted_sponsors(petition: Petition) -> list[PetitionSponsor]:
    return [s for s in sponsors_of(petition) if s.status == SponsorStatus.ACCEPTED]


def invite_sponsor(
    petition: Petition, organisation: Organisation, *, by: User, code: str = ""
) -> PetitionSponsor:
    """Invite an active member organisation to co-sponsor; its admins are e-mailed a link to answer."""
    if organisation.id not in {o.id for o in invitable_organisations(petition)}:
        raise SponsorError(
            _("This organisation cannot be invited: it is not an active member, or is invited already.")
        )
    code = (code or organisation.slug).strip().lower()
    if not CODE_PATTERN.match(code) or len(code) > 80:
        raise SponsorError(_("Use lower-case letters, digits and hyphens"))
    clash = db.session.scalar(
        select(PetitionSponsor).where(
            PetitionSponsor.petition_id == petition.id, PetitionSponsor.code == code
        )
    )
    if clash is not None and clash.organisation_id != organisation.id:
        raise SponsorError(_("Another sponsor of this petition has this code already"))
    sponsor = db.session.scalar(
        select(PetitionSponsor).where(
            PetitionSponsor.petition_id == petition.id, PetitionSponsor.organisation_id == organisation.id
        )
    )
    if sponsor is None:  # a declined sponsor asked again keeps its row
        sponsor = PetitionSponsor(petition_id=petition.id, organisation_id=organisation.id)
        db.session.add(sponsor)
    _signing_cache.clear()
    sponsor.status, sponsor.code, sponsor.invited_by_id, sponsor.invited_at = (
        SponsorStatus.INVITED,
        code,
        by.id,
        utcnow(),
    )
    sponsor.responded_at = sponsor.responded_by_id = None
    db.session.flush()
    _mail_invitation(sponsor, by)
    log.info("organisation %s invited to sponsor petition %s by %s", organisation.id, petition.id, by.id)
    return sponsor


def _mail_invitation(sponsor: PetitionSponsor, by: User) -> None:
    """E-mail the organisation's admins. An organisation without one that belongs to this coalition
    tree alone gets its membership contact invited as its administrator (as approving its
    application does), so someone can answer; one that is also another body's member is not
    given an administrator by this coalition's decision (a platform admin can invite one)."""
    from organiser.coalitions.services import admins_of, belongs_only_to
    from organiser.core.services import in_locale, invite

    organisation, petition = sponsor.organisation, sponsor.petition
    link = external_url("petitions.sponsorships", slug=organisation.slug)
    admins = admins_of(organisation)
    for admin in admins:
        with in_locale(admin.locale):
            queue_email(
                to=admin.email,
                subject=_(
                    "Will %(organisation)s co-sponsor “%(title)s”?",
                    organisation=organisation.name,
                    title=petition.title,
                ),
                text=render_template(
                    "actions/petitions/email/sponsor_invitation.txt",
                    sponsor=sponsor,
                    petition=petition,
                    by=by,
                    link=link,
                ),
            )
    if not admins and belongs_only_to(organisation, set(_tree(petition.coalition))):
        contact = _membership_contact(organisation, petition.coalition)
        if contact:
            invite(contact, Role.ORGANISATION_ADMIN, organisation.id, by=by, scope_name=organisation.name)
            log.info("organisation %s has no admin: its contact was invited", organisation.id)


def _membership_contact(organisation: Organisation, coalition: Coalition) -> str:
    tree = _tree(coalition)
    for membership in organisation.memberships:
        if membership.coalition_id in tree and membership.contact_email:
            return membership.contact_email
    return ""


def respond(sponsor: PetitionSponsor, *, accept: bool, by: User) -> None:
    """The organisation's admin accepts or declines an invitation it has not answered yet."""
    _signing_cache.clear()  # this process forgets its remembered codes at once
    if sponsor.status != SponsorStatus.INVITED:
        raise SponsorError(_("This invitation has been answered already."))
    sponsor.status = SponsorStatus.ACCEPTED if accept else SponsorStatus.DECLINED
    sponsor.responded_at, sponsor.responded_by_id = utcnow(), by.id
    db.session.flush()
    inviter = db.session.get(User, sponsor.invited_by_id) if sponsor.invited_by_id else None
    if inviter is not None:
        from organiser.core.services import in_locale

        with in_locale(inviter.locale):
            queue_email(
                to=inviter.email,
                subject=(
                    _(
                        "%(organisation)s co-sponsors “%(title)s”",
                        organisation=sponsor.organisation.name,
                        title=sponsor.petition.title,
                    )
                    if accept
                    else _(
                        "%(organisation)s declined to co-sponsor “%(title)s”",
                        organisation=sponsor.organisation.name,
                        title=sponsor.petition.title,
                    )
                ),
                text=render_template(
                    "actions/petitions/email/sponsor_answer.txt",
                    sponsor=sponsor,
                    tracking=tracking_link(sponsor),
                    link=external_url("petitions.sponsors", slug=sponsor.petition.slug),
                ),
            )
    log.info("sponsorship %s %s by %s", sponsor.id, sponsor.status, by.id)


def sponsorships_of(organisation: Organisation) -> list[PetitionSponsor]:
    """Every invitation this organisation had, newest first."""
    query = (
        select(PetitionSponsor)
        .where(PetitionSponsor.organisation_id == organisation.id)
        .order_by(PetitionSponsor.invited_at.desc(), PetitionSponsor.id.desc())
    )
    return list(db.session.scalars(query))


def tracking_link(sponsor: PetitionSponsor) -> str:
    return external_url("petitions.petition", slug=sponsor.petition.slug, source=sponsor.code)


# ---- signing through a sponsor's link -----------------------------------------------------------


def sponsor_for_code(petition: Petition, code: str | None) -> PetitionSponsor | None:
    """The accepted sponsor whose tracking code this is; unknown, invited and declined codes give None."""
    code = (code or "").strip().lower()
    if not code:
        return None
    return db.session.scalar(
        select(PetitionSponsor).where(
            PetitionSponsor.petition_id == petition.id,
            PetitionSponsor.code == code,
            PetitionSponsor.status == SponsorStatus.ACCEPTED,
        )
    )


_SIGNING_CACHE_SECONDS = 5.0
_signing_cache: dict[tuple[Any, ...], tuple[float, tuple[int, str] | None]] = {}


def sponsor_for_signing(petition: Petition, code: str | None) -> tuple[int, str] | None:
    """(organisation id, name) of the accepted sponsor with this code, as the sign request needs it:
    remembered for a few seconds per process, so a surge through one tracking link does not ask
    the database each time. A code only exists for signers once its sponsor has accepted, so the
    short memory never drops a consent someone was shown."""
    code = (code or "").strip().lower()
    if not code:
        return None
    key, now = (
        (id(current_app._get_current_object()), petition.id, petition.created_at, code),
        time.monotonic(),
    )
    hit = _signing_cache.get(key)
    if hit is not None and now - hit[0] < _SIGNING_CACHE_SECONDS:
        return hit[1]
    sponsor = sponsor_for_code(petition, code)
    found = (sponsor.organisation_id, sponsor.organisation.name) if sponsor is not None else None
    if len(_signing_cache) > 4096:
        _signing_cache.clear()
    _signing_cache[key] = (now, found)
    return found


def page_context(petition: Petition, code: str) -> dict[str, Any]:
    """What the public petition page shows of its sponsors: who co-sponsors it and, through an
    accepted sponsor's tracking link, that sponsor (for its own consent box)."""
    sponsor = sponsor_for_code(petition, code)
    return {
        "sponsors": accepted_sponsors(petition),
        "sponsor": sponsor,
        "sponsor_consent_wording": sponsor_consent_wording(sponsor.organisation.name) if sponsor else "",
    }


def sponsor_consent_wording(name: str) -> str:
    """The words of a co-sponsor's own consent box, stored with the consent."""
    return _("Keep me updated by e-mail about campaigns of %(organisation)s.", organisation=name)


# ---- the sponsor's supporters -------------------------------------------------------------------


def supporters_of(organisation: Organisation) -> list[tuple[Signature, Person, Petition, datetime]]:
    """Confirmed signers this organisation brought in, on petitions it co-sponsors, who consent
    today to hear from it by e-mail; one row per signature, with when the consent was given."""
    query = (
        select(Signature, Person, Petition, ConsentState.updated_at)
        .join(Person, Person.id == Signature.person_id)
        .join(Petition, Petition.id == Signature.petition_id)
        .join(
            PetitionSponsor,
            (PetitionSponsor.petition_id == Signature.petition_id)
            & (PetitionSponsor.organisation_id == organisation.id)
            & (PetitionSponsor.status == SponsorStatus.ACCEPTED),
        )
        .join(
            ConsentState,
            (ConsentState.person_id == Person.id)
            & (ConsentState.subject_type == ConsentSubject.ORGANISATION)
            & (ConsentState.subject_id == organisation.id)
            & (ConsentState.channel == "email"),
        )
        .where(
            Signature.sponsor_organisation_id == organisation.id,
            Signature.state.in_(VALID_STATES),
            ConsentState.granted.is_(True),
            ~exists().where(
                Suppression.email == Person.email,
                Suppression.reason.in_([SuppressionReason.UNSUBSCRIBED, SuppressionReason.COMPLAINED]),
            ),
        )
        .order_by(Signature.confirmed_at, Signature.id)
    )
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


def export_supporters(organisation: Organisation, *, by: Any) -> str:
    """The organisation's consenting supporters as CSV (formula-safe); the export is logged."""
    from organiser.web.downloads import to_csv

    rows = supporters_of(organisation)
    log.info("supporters of organisation %s exported by %s (%s rows)", organisation.id, by.id, len(rows))
    return to_csv(
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
            for signature, person, petition, consent_at in rows
        ],
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
