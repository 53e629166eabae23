"""Inviting co-sponsors, and their answers: which member organisations of the action's coalition
tree may be invited, the invitation (its tracking code checked, the organisation's admins e-mailed,
or its membership contact invited as its admin when it has none), and the organisation's answer,
told to the coordinator who invited it."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.sponsorship.codes import forget_codes, sponsors_of, tracking_link
from organiser.actions.sponsorship.kinds import Sponsored
from organiser.actions.sponsorship.models import SponsorStatus
from organiser.coalitions.models import Coalition, Membership, MembershipStatus, Organisation
from organiser.core.models import Role, User
from organiser.db import db, utcnow
from organiser.messaging.services import queue_email
from organiser.web.urls import external_url

log = logging.getLogger(__name__)
CODE_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class SponsorError(Exception):
    """An invitation or an answer that cannot be made; the message says why, for the person."""


# ---- who may be invited -----------------------------------------------------------------------


def tree_of(coalition: Coalition) -> list[int]:
    """The ids of every coalition in this coalition's tree: the top alliance and all its chapters."""
    ids, frontier = [], [coalition.lineage()[-1]]
    while frontier:
        node = frontier.pop()
        if node.id not in ids:
            ids.append(node.id)
            frontier.extend(node.chapters)
    return ids


def eligible_organisations(coalition: Coalition) -> list[Organisation]:
    """Active members of any coalition in this coalition's tree, by name."""
    query = (
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(
            Membership.coalition_id.in_(tree_of(coalition)),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .distinct()
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(query))


def invitable_organisations(kind: Sponsored, action: Any) -> list[Organisation]:
    """Eligible organisations not yet invited, or that declined (they may be asked again)."""
    taken = {s.organisation_id for s in sponsors_of(kind, action) if s.status != SponsorStatus.DECLINED}
    return [o for o in eligible_organisations(action.coalition) if o.id not in taken]


# ---- inviting -----------------------------------------------------------------------------------


def invite_sponsor(
    kind: Sponsored, action: Any, organisation: Organisation, *, by: User, code: str = ""
) -> Any:
    """Invite an active member organisation to co-sponsor; its admins are e-mailed a link to answer."""
    if organisation.id not in {o.id for o in invitable_organisations(kind, action)}:
        raise SponsorError(
            _("This organisation cannot be invited: it is not an active member, or is invited already.")
        )
    code = _checked_code(kind, action, organisation, code or organisation.slug)
    model = kind.model
    sponsor = db.session.scalar(
        select(model).where(kind.action_key == action.id, model.organisation_id == organisation.id)
    )
    if sponsor is None:  # a declined sponsor asked again keeps its row
        sponsor = model(**{kind.action_column: action.id}, organisation_id=organisation.id)
        db.session.add(sponsor)
    forget_codes()
    sponsor.status, sponsor.code, sponsor.invited_by_id, sponsor.invited_at = (
        SponsorStatus.INVITED,
        code,
        by.id,
        utcnow(),
    )
    sponsor.responded_at = sponsor.responded_by_id = None
    db.session.flush()
    _mail_invitation(kind, sponsor, by)
    log.info("organisation %s invited to sponsor %s %s by %s", organisation.id, kind.name, action.id, by.id)
    return sponsor


def _checked_code(kind: Sponsored, action: Any, organisation: Organisation, code: str) -> str:
    """The tracking code, normalised: lower-case words joined by hyphens, and no other sponsor's."""
    code = code.strip().lower()
    if not CODE_PATTERN.match(code) or len(code) > 80:
        raise SponsorError(_("Use lower-case letters, digits and hyphens"))
    clash = db.session.scalar(select(kind.model).where(kind.action_key == action.id, kind.model.code == code))
    if clash is not None and clash.organisation_id != organisation.id:
        raise SponsorError(str(kind.code_taken))
    return code


def _mail_invitation(kind: Sponsored, sponsor: Any, by: User) -> None:
    """E-mail the organisation's admins. An organisation without one that belongs to this coalition
    tree alone gets its membership contact invited as its administrator (as approving its
    application does), so someone can answer; one that is also another body's member is not
    given an administrator by this coalition's decision (a platform admin can invite one)."""
    from organiser.coalitions.services import admins_of, belongs_only_to
    from organiser.core.services import in_locale, invite

    organisation, action = sponsor.organisation, kind.action_of(sponsor)
    link = external_url(kind.answer_endpoint, slug=organisation.slug)
    admins = admins_of(organisation)
    for admin in admins:
        with in_locale(admin.locale):
            queue_email(
                to=admin.email,
                subject=_(
                    "Will %(organisation)s co-sponsor “%(title)s”?",
                    organisation=organisation.name,
                    title=action.title,
                ),
                text=render_template(
                    kind.invitation_template,
                    sponsor=sponsor,
                    by=by,
                    link=link,
                    **{kind.action_attribute: action},
                ),
            )
    if not admins and belongs_only_to(organisation, set(tree_of(action.coalition))):
        contact = _membership_contact(organisation, action.coalition)
        if contact:
            invite(contact, Role.ORGANISATION_ADMIN, organisation.id, by=by, scope_name=organisation.name)
            log.info("organisation %s has no admin: its contact was invited", organisation.id)


def _membership_contact(organisation: Organisation, coalition: Coalition) -> str:
    tree = tree_of(coalition)
    for membership in organisation.memberships:
        if membership.coalition_id in tree and membership.contact_email:
            return membership.contact_email
    return ""


# ---- the answer ---------------------------------------------------------------------------------


def respond(kind: Sponsored, sponsor: Any, *, accept: bool, by: User) -> None:
    """The organisation's admin accepts or declines an invitation it has not answered yet."""
    forget_codes()  # this process forgets its remembered codes at once
    if sponsor.status != SponsorStatus.INVITED:
        raise SponsorError(_("This invitation has been answered already."))
    sponsor.status = SponsorStatus.ACCEPTED if accept else SponsorStatus.DECLINED
    sponsor.responded_at, sponsor.responded_by_id = utcnow(), by.id
    db.session.flush()
    inviter = db.session.get(User, sponsor.invited_by_id) if sponsor.invited_by_id else None
    if inviter is not None:
        _mail_answer(kind, sponsor, inviter, accept=accept)
    log.info("%s sponsorship %s %s by %s", kind.name, sponsor.id, sponsor.status, by.id)


def _mail_answer(kind: Sponsored, sponsor: Any, inviter: User, *, accept: bool) -> None:
    """Tell the coordinator who invited the organisation what it answered, in their language."""
    from organiser.core.services import in_locale

    action = kind.action_of(sponsor)
    names = {"organisation": sponsor.organisation.name, "title": action.title}
    with in_locale(inviter.locale):
        queue_email(
            to=inviter.email,
            subject=(
                _("%(organisation)s co-sponsors “%(title)s”", **names)
                if accept
                else _("%(organisation)s declined to co-sponsor “%(title)s”", **names)
            ),
            text=render_template(
                kind.answer_template,
                sponsor=sponsor,
                tracking=tracking_link(kind, sponsor),
                link=external_url(kind.sponsors_endpoint, slug=action.slug),
                **{kind.action_attribute: action},
            ),
        )


def sponsorships_of(kind: Sponsored, organisation: Organisation) -> list[Any]:
    """Every invitation of this kind the organisation had, newest first."""
    model = kind.model
    query = (
        select(model)
        .where(model.organisation_id == organisation.id)
        .order_by(model.invited_at.desc(), model.id.desc())
    )
    return list(db.session.scalars(query))
