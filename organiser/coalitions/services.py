"""Coalition operations used by the views, the CLI and the demo seed."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipEvent,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrganisationConsent,
)
from organiser.core.models import PLATFORM_SCOPE, Role, User, normalise_email
from organiser.core.scopes import ScopeKind
from organiser.core.services import holders_of
from organiser.db import db, utcnow
from organiser.messaging.models import Mailing
from organiser.messaging.owners import MailingOwner, OwnerPolicy
from organiser.messaging.services.audiences import Segment

log = logging.getLogger(__name__)


def coordinators_of(coalition: Coalition) -> list[User]:
    """The people who coordinate this coalition itself (not those above it)."""
    return holders_of(Role.COALITION_COORDINATOR, coalition.id)


def alliances() -> list[Coalition]:
    """Coalitions with no parent, by name, their chapters loaded in the same round trip."""
    query = (
        select(Coalition)
        .where(Coalition.parent_id.is_(None))
        .options(selectinload(Coalition.chapters))
        .order_by(Coalition.name)
    )
    return list(db.session.scalars(query))


def public_page(slug: str) -> Coalition | None:
    """A coalition with everything its public page shows, in four queries whatever its size."""
    query = (
        select(Coalition)
        .where(Coalition.slug == slug)
        .options(
            joinedload(Coalition.parent),
            selectinload(Coalition.chapters),
            selectinload(Coalition.memberships).joinedload(Membership.organisation),
        )
    )
    return db.session.scalar(query)


def mailings_of(coalition: Coalition) -> list[Mailing]:
    query = select(Mailing).where(Mailing.coalition_id == coalition.id).order_by(Mailing.created_at.desc())
    return list(db.session.scalars(query))


def _coalition_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in db.session.scalars(select(Coalition).order_by(Coalition.name))]


def _organisation_choices() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


SCOPES = (
    ScopeKind("coalition", lambda i: db.session.get(Coalition, i), _coalition_choices),
    ScopeKind("organisation", lambda i: db.session.get(Organisation, i), _organisation_choices),
)


def _supporter_choices(coalition: Coalition) -> list[tuple[dict[str, object], str]]:
    from flask_babel import gettext as _

    return [({}, _("Everyone who agreed to hear from %(name)s", name=coalition.name))]


def _supporters(mailing: object, params: dict[str, object]) -> object:
    """People in the coalition's tree; the consent filter then keeps those who agreed to hear from it."""
    from organiser.people.models import Person

    coalition = db.session.get(Coalition, mailing.coalition_id)  # type: ignore[attr-defined]
    root = coalition.lineage()[-1]
    return select(Person.id).where(Person.tree_id == root.id)


SUPPORTERS = Segment("coalition_supporters", _supporter_choices, _supporters)


def mailing_owner(mailing: Mailing) -> MailingOwner:
    """A mailing goes out in its coalition; an organisation's is sent by the organisation."""
    organisation = db.session.get(Organisation, mailing.organisation_id) if mailing.organisation_id else None
    return MailingOwner(db.session.get(Coalition, mailing.coalition_id), organisation)


def may_manage_mailing(mailing: Mailing, user: User) -> bool:
    """A coalition's mailing: whoever manages the coalition. An organisation's mailing is the
    organisation's (its supporters agreed to hear from it, not from the coalition): only its
    admins and platform admins; the coalition's coordinators see that it exists, nothing more."""
    owner = mailing_owner(mailing)
    return bool((owner.organisation or owner.coalition).can_manage(user))


MAILING_OWNERS = OwnerPolicy(mailing_owner, may_manage_mailing)


# ---- applications and membership --------------------------------------------------------------


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def find_organisation(name: str, country: str | None) -> Organisation | None:
    """An organisation with the same name (ignoring case and spacing) in the same country."""
    candidates = db.session.scalars(select(Organisation).where(Organisation.country == country))
    key = _name_key(name)
    return next((o for o in candidates if _name_key(o.name) == key), None)


def unique_slug(name: str) -> str:
    from organiser.web.forms import slugify

    base = slugify(name) or "organisation"
    slug, n = base, 1
    while db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        n += 1
        slug = f"{base[:70]}-{n}"
    return slug


def _event(membership: Membership, by: User | None, note: str = "") -> None:
    membership.events.append(
        MembershipEvent(
            status=membership.status, role=membership.role, note=note, by_id=by.id if by else None
        )
    )


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
    org = find_organisation(organisation["name"], organisation["country"])
    created = org is None
    if org is None:
        org = Organisation(slug=unique_slug(organisation["name"]), **organisation)
        db.session.add(org)
        db.session.flush()
    membership = _membership_of(org, coalition)
    if membership is not None and membership.status in OPEN_STATUSES:
        _mail_applied_already(membership, contact_email)
        return None
    if membership is None:
        membership = Membership(organisation=org, coalition=coalition)
        db.session.add(membership)
    membership.status, membership.role = MembershipStatus.APPLIED, MembershipRole.MEMBER
    membership.contact_name, membership.contact_email = contact_name.strip(), normalise_email(contact_email)
    membership.endorsed_principles, membership.endorsed_at = list(coalition.principles), utcnow()
    membership.decline_reason = ""
    membership.organisation_consent = None if created else _consent_needed(org, coalition)
    _event(membership, None, f"applied by {membership.contact_name} <{membership.contact_email}>")
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


OPEN_STATUSES = (MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)


def _membership_of(org: Organisation, coalition: Coalition) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == org.id, Membership.coalition_id == coalition.id
        )
    )


def belongs_only_to(org: Organisation, coalition_ids: set[int]) -> bool:
    """Whether the organisation is these coalitions' alone: no administrators of its own, and no
    membership anywhere else. Only then may these coalitions' decisions give someone a role in it
    (approving its application invites its contact as administrator)."""
    return not admins_of(org) and all(m.coalition_id in coalition_ids for m in org.memberships)


def _consent_needed(org: Organisation, coalition: Coalition) -> OrganisationConsent | None:
    return None if belongs_only_to(org, {coalition.id}) else OrganisationConsent.PENDING


class ApplicationError(Exception):
    """The application cannot be decided on that way now."""


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
    _event(membership, by, "application approved")
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


def _ask_organisation(membership: Membership) -> None:
    """Ask the organisation's administrators (or, with none, the platform admins) to confirm."""
    from flask import render_template

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


def answer_for_organisation(membership: Membership, *, agree: bool, by: User) -> None:
    """The organisation's administrators (or a platform admin) say whether an application made in
    its name is theirs. Refusing declines it, and the applicant is told."""
    if membership.organisation_consent != OrganisationConsent.PENDING:
        raise ApplicationError("this application is not waiting for the organisation")
    if agree:
        membership.organisation_consent = OrganisationConsent.GIVEN
        _event(membership, by, "the organisation confirmed this application is its own")
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


def _mail_applied_already(membership: Membership, contact_email: str) -> None:
    from flask import render_template

    from organiser.messaging.services import queue_email

    queue_email(
        to=normalise_email(contact_email),
        subject=_("Your application to join %(coalition)s", coalition=membership.coalition.name),
        text=render_template(
            "coalitions/email/applied_already.txt",
            membership=membership,
            coalition=membership.coalition,
            organisation=membership.organisation,
        ),
    )


def decline(membership: Membership, reason: str, *, by: User) -> None:
    membership.status, membership.decline_reason = MembershipStatus.DECLINED, reason.strip()
    _event(membership, by, reason.strip())
    db.session.flush()
    _mail_applicant(
        membership,
        "coalitions/email/application_declined.txt",
        _("Your application to join %(coalition)s", coalition=membership.coalition.name),
    )
    log.info("membership %s declined by %s", membership.id, by.id)


def _mail_applicant(membership: Membership, template: str, subject: str) -> None:
    from flask import render_template

    from organiser.messaging.services import queue_email

    queue_email(
        to=membership.contact_email,
        subject=subject,
        text=render_template(
            template,
            membership=membership,
            coalition=membership.coalition,
            organisation=membership.organisation,
        ),
    )


def applications(coalition: Coalition) -> list[Membership]:
    return [m for m in members_by_status(coalition) if m.status == MembershipStatus.APPLIED]


def members_by_status(coalition: Coalition) -> list[Membership]:
    query = (
        select(Membership)
        .where(Membership.coalition_id == coalition.id)
        .options(joinedload(Membership.organisation), selectinload(Membership.events))
        .order_by(Membership.created_at)
    )
    return list(db.session.scalars(query))


def directory(coalition: Coalition, *, q: str = "", type: str = "", country: str = "") -> list[Membership]:
    """The coalition's active members, filtered by a search term, a type and a country."""
    members = coalition.active_members()
    key = _name_key(q)
    return [
        m
        for m in members
        if (not key or key in _name_key(m.organisation.name) or key in _name_key(m.organisation.description))
        and (not type or m.organisation.type == type)
        and (not country or m.organisation.country == country)
    ]


def update_organisation(org: Organisation, *, by: User, **fields: object) -> None:
    if "logo" in fields:
        org.logo_version, org.has_logo = (org.logo_version or 0) + 1, fields["logo"] is not None
    for key, value in fields.items():
        setattr(org, key, value)
    db.session.flush()
    log.info("organisation %s profile changed by %s", org.id, by.id)


_TRANSITIONS = {
    MembershipStatus.SUSPENDED: {MembershipStatus.ACTIVE},
    MembershipStatus.ACTIVE: {MembershipStatus.SUSPENDED},
    MembershipStatus.LEFT: {MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED},
}


def change_status(membership: Membership, status: MembershipStatus, *, by: User, note: str = "") -> None:
    """Suspend, reinstate or mark as left, keeping the audit trail; other moves are refused."""
    if membership.status not in _TRANSITIONS.get(status, set()):
        raise ValueError(f"cannot go from {membership.status} to {status}")
    membership.status = status
    _event(membership, by, note.strip())
    db.session.flush()
    log.info("membership %s is now %s, by %s", membership.id, status, by.id)


def summary(memberships: list[Membership]) -> dict[str, dict[str, int]]:
    """Active members counted by type and by country, for the coordinators' desk."""
    by_type: dict[str, int] = {}
    by_country: dict[str, int] = {}
    for m in memberships:
        if m.status == MembershipStatus.ACTIVE:
            by_type[str(m.organisation.type)] = by_type.get(str(m.organisation.type), 0) + 1
            country = m.organisation.country or ""
            by_country[country] = by_country.get(country, 0) + 1
    return {"type": by_type, "country": by_country}


def export_members(coalition: Coalition, *, by: User) -> str:
    """Every membership as CSV, safe to open in a spreadsheet; the export is logged."""
    from organiser.web.downloads import to_csv

    header = [
        "organisation",
        "type",
        "country",
        "region",
        "website",
        "status",
        "role",
        "joined_at",
        "contact_name",
        "contact_email",
    ]
    rows = [
        (
            m.organisation.name,
            m.organisation.type,
            m.organisation.country,
            m.organisation.region,
            m.organisation.website,
            m.status,
            m.role,
            m.joined_at.isoformat() if m.joined_at else "",
            m.contact_name,
            m.contact_email,
        )
        for m in members_by_status(coalition)
    ]
    log.info("members of coalition %s exported by %s (%s rows)", coalition.id, by.id, len(rows))
    return to_csv(header, rows)


def admins_of(organisation: Organisation) -> list[User]:
    return holders_of(Role.ORGANISATION_ADMIN, organisation.id)


def import_members(coalition: Coalition, rows: list, *, by: User) -> int:
    """Write the rows that passed every check as active members; returns how many.

    A row naming an organisation that is someone else's (it has administrators, or belongs to
    another coalition) becomes an application waiting for that organisation to confirm it, as a
    public application would: an import never attaches another body's organisation by itself."""
    written = 0
    for row in rows:
        if not row.ok:
            continue
        v = row.values
        org = find_organisation(v["name"], v["country"])
        if org is None:
            org = Organisation(slug=unique_slug(v["name"]), **{k: v[k] for k in _IMPORTED_PROFILE})
            db.session.add(org)
            db.session.flush()
        membership = _membership_of(org, coalition)
        if membership is None:
            membership = Membership(organisation=org, coalition=coalition)
            db.session.add(membership)
        elif membership.status in OPEN_STATUSES:
            continue  # the preview said so; a second import changes nothing
        membership.contact_name, membership.contact_email = (
            v["contact_name"],
            normalise_email(v["contact_email"]),
        )
        membership.role = v["role"]
        membership.organisation_consent = _consent_needed(org, coalition)
        if membership.organisation_consent == OrganisationConsent.PENDING:
            membership.status = MembershipStatus.APPLIED
            _event(membership, by, "imported from CSV; waits for the organisation to confirm")
            db.session.flush()
            _ask_organisation(membership)
        else:
            membership.status, membership.joined_at = MembershipStatus.ACTIVE, utcnow()
            _event(membership, by, "imported from CSV")
        written += 1
    db.session.flush()
    log.info("%s members imported into coalition %s by %s", written, coalition.id, by.id)
    return written


_IMPORTED_PROFILE = ("name", "type", "country", "region", "website", "description")


def logo_of(slug: str) -> tuple[bytes, int] | None:
    row = db.session.execute(
        select(Organisation.logo, Organisation.logo_version).where(Organisation.slug == slug)
    ).first()
    if row is None or row.logo is None:
        return None
    return row.logo, row.logo_version


def recent_changes(memberships: list[Membership], limit: int = 10) -> list[MembershipEvent]:
    """The latest changes across the coalition's memberships, newest first."""
    events = [e for m in memberships for e in m.events]
    return sorted(events, key=lambda e: (e.created_at, e.id), reverse=True)[:limit]
