"""Applications to join a coalition, and the members' import that shares their rules: an organisation
applies through the public form (the principles endorsed, word for word) and the coordinators approve
or decline it. An application or an imported row naming an organisation that is someone else's (it
has administrators, or belongs to another coalition) waits until that organisation's administrators,
or a platform admin, confirm it is theirs (``answer_for_organisation``); its profile is never changed.
Every step e-mails whoever must know."""

from __future__ import annotations

import logging
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrganisationConsent,
)
from organiser.coalitions.services.memberships import membership_to_fill, record_event
from organiser.coalitions.services.organisations import (
    admins_of,
    belongs_only_to,
    find_or_create_organisation,
)
from organiser.core.models import PLATFORM_SCOPE, Role, User, normalise_email
from organiser.core.services import holders_of
from organiser.db import db, utcnow

log = logging.getLogger(__name__)

_IMPORTED_PROFILE = ("name", "type", "country", "region", "website", "description")


class ApplicationError(Exception):
    """The application cannot be decided on that way now."""


def apply_to_join(
    coalition: Coalition, *, organisation: dict[str, str], contact_name: str, contact_email: str
) -> Membership | None:
    """Record an application with the principles endorsed, word for word; tell the applicant.

    An application naming an organisation that is already someone else's (it has administrators,
    or belongs to another coalition) only proposes it: that organisation's administrators, or a
    platform admin, are asked to confirm, and the application cannot be approved before they do.
    Its profile is never changed by the application. One that repeats an open application or a
    membership records nothing and returns None; the page says the same either way, and only the
    applicant's mailbox is told which (a public form reveals nothing about who applied)."""
    org, created = find_or_create_organisation(organisation)
    membership, already_open = membership_to_fill(org, coalition)
    if already_open:
        _mail_applied_already(membership, contact_email)
        return None
    membership.status, membership.role = MembershipStatus.APPLIED, MembershipRole.MEMBER
    membership.contact_name, membership.contact_email = contact_name.strip(), normalise_email(contact_email)
    membership.endorsed_principles, membership.endorsed_at = list(coalition.principles), utcnow()
    membership.decline_reason = ""
    membership.organisation_consent = None if created else _consent_needed(org, coalition)
    record_event(membership, None, f"applied by {membership.contact_name} <{membership.contact_email}>")
    db.session.flush()
    _mail_applicant(
        membership,
        "coalitions/email/application_received.txt",
        _("We have your application to join %(coalition)s", coalition=coalition.name),
    )
    if membership.organisation_consent == OrganisationConsent.PENDING:
        _ask_organisation(membership)
    log.info("organisation %s applied to coalition %s", org.id, coalition.id)
    return membership


def _consent_needed(org: Organisation, coalition: Coalition) -> OrganisationConsent | None:
    return None if belongs_only_to(org, {coalition.id}) else OrganisationConsent.PENDING


def approve(membership: Membership, role: MembershipRole, *, by: User) -> None:
    """Make the organisation a member and e-mail the applicant. The contact is invited as the
    organisation's administrator only when the organisation is this coalition's alone; one that
    is someone else's must have confirmed the application first, and keeps its administrators."""
    from organiser.core.services import invite

    if membership.status != MembershipStatus.APPLIED:
        raise ApplicationError("only an application can be approved")
    if membership.organisation_consent in (OrganisationConsent.PENDING, OrganisationConsent.REFUSED):
        raise ApplicationError("the organisation has not confirmed this application")
    membership.status, membership.role, membership.joined_at = MembershipStatus.ACTIVE, role, utcnow()
    record_event(membership, by, "application approved")
    db.session.flush()
    coalition, org = membership.coalition, membership.organisation
    _mail_applicant(
        membership,
        "coalitions/email/application_approved.txt",
        _(
            "%(organisation)s is now a member of %(coalition)s",
            organisation=org.name,
            coalition=coalition.name,
        ),
    )
    if belongs_only_to(org, {coalition.id}):
        invite(membership.contact_email, Role.ORGANISATION_ADMIN, org.id, by=by, scope_name=org.name)
    log.info("membership %s approved as %s by %s", membership.id, role, by.id)


def decline(membership: Membership, reason: str, *, by: User) -> None:
    membership.status, membership.decline_reason = MembershipStatus.DECLINED, reason.strip()
    record_event(membership, by, reason.strip())
    db.session.flush()
    _mail_applicant(
        membership,
        "coalitions/email/application_declined.txt",
        _("Your application to join %(coalition)s", coalition=membership.coalition.name),
    )
    log.info("membership %s declined by %s", membership.id, by.id)


def answer_for_organisation(membership: Membership, *, agree: bool, by: User) -> None:
    """The organisation's administrators (or a platform admin) say whether an application made in
    its name is theirs. Refusing declines it, and the applicant is told."""
    if membership.organisation_consent != OrganisationConsent.PENDING:
        raise ApplicationError("this application is not waiting for the organisation")
    if agree:
        membership.organisation_consent = OrganisationConsent.GIVEN
        record_event(membership, by, "the organisation confirmed this application is its own")
        db.session.flush()
        log.info(
            "membership %s confirmed for organisation %s by %s",
            membership.id,
            membership.organisation_id,
            by.id,
        )
        return
    membership.organisation_consent = OrganisationConsent.REFUSED
    decline(
        membership,
        _(
            "%(organisation)s says this application was not made by it.",
            organisation=membership.organisation.name,
        ),
        by=by,
    )


def waiting_for_organisation(org: Organisation) -> list[Membership]:
    """Applications in this organisation's name that wait for its answer."""
    query = (
        select(Membership)
        .where(
            Membership.organisation_id == org.id,
            Membership.organisation_consent == OrganisationConsent.PENDING,
            Membership.status == MembershipStatus.APPLIED,
        )
        .options(joinedload(Membership.coalition))
        .order_by(Membership.created_at)
    )
    return list(db.session.scalars(query))


# ---- the members' import ------------------------------------------------------------------------


def import_members(coalition: Coalition, rows: list, *, by: User) -> int:
    """Write the rows that passed every check as active members; returns how many.

    A row naming an organisation that is someone else's (it has administrators, or belongs to
    another coalition) becomes an application waiting for that organisation to confirm it, as a
    public application would: an import never attaches another body's organisation by itself."""
    written = 0
    for row in rows:
        if row.ok and _import_row(coalition, row.values, by=by):
            written += 1
    db.session.flush()
    log.info("%s members imported into coalition %s by %s", written, coalition.id, by.id)
    return written


def _import_row(coalition: Coalition, values: dict[str, Any], *, by: User) -> bool:
    """One checked row written; False when its organisation is a member or applicant already (the
    preview said so; a second import changes nothing)."""
    org, _created = find_or_create_organisation({k: values[k] for k in _IMPORTED_PROFILE})
    membership, already_open = membership_to_fill(org, coalition)
    if already_open:
        return False
    membership.contact_name = values["contact_name"]
    membership.contact_email = normalise_email(values["contact_email"])
    membership.role = values["role"]
    membership.organisation_consent = _consent_needed(org, coalition)
    if membership.organisation_consent == OrganisationConsent.PENDING:
        membership.status = MembershipStatus.APPLIED
        record_event(membership, by, "imported from CSV; waits for the organisation to confirm")
        db.session.flush()
        _ask_organisation(membership)
    else:
        membership.status, membership.joined_at = MembershipStatus.ACTIVE, utcnow()
        record_event(membership, by, "imported from CSV")
    return True


# ---- the mail ------------------------------------------------------------------------------------


def _ask_organisation(membership: Membership) -> None:
    """Ask the organisation's administrators (or, with none, the platform admins) to confirm."""
    from organiser.core.services import in_locale
    from organiser.messaging.services import queue_email
    from organiser.web.urls import external_url

    org = membership.organisation
    deciders = admins_of(org) or holders_of(Role.PLATFORM_ADMIN, PLATFORM_SCOPE)
    link = external_url("coalitions.organisation_team", slug=org.slug)
    for user in deciders:
        with in_locale(user.locale):
            queue_email(
                to=user.email,
                subject=_(
                    "Is this application to %(coalition)s from %(organisation)s?",
                    coalition=membership.coalition.name,
                    organisation=org.name,
                ),
                text=render_template(
                    "coalitions/email/organisation_consent.txt",
                    membership=membership,
                    organisation=org,
                    coalition=membership.coalition,
                    link=link,
                    on_behalf=not admins_of(org),
                ),
            )


def _mail_applied_already(membership: Membership, contact_email: str) -> None:
    _mail_membership(
        membership,
        normalise_email(contact_email),
        "coalitions/email/applied_already.txt",
        _("Your application to join %(coalition)s", coalition=membership.coalition.name),
    )


def _mail_applicant(membership: Membership, template: str, subject: str) -> None:
    _mail_membership(membership, membership.contact_email, template, subject)


def _mail_membership(membership: Membership, to: str, template: str, subject: str) -> None:
    from organiser.messaging.services import queue_email

    queue_email(
        to=to,
        subject=subject,
        text=render_template(
            template,
            membership=membership,
            coalition=membership.coalition,
            organisation=membership.organisation,
        ),
    )
