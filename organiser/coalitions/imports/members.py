"""The members' import: the columns a coalition's CSV of member organisations may have, and the
checks each row passes (country code, type, role, website, contact address); a ready row naming an
organisation that is someone else's is noted, as it joins only once its administrators confirm.
Writing the rows is ``services.import_members``."""

from __future__ import annotations

from collections.abc import Hashable
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from organiser.coalitions.forms import JoinForm, OrganisationFields
from organiser.coalitions.imports.checks import checked, most_characters, shown, valid_email
from organiser.coalitions.imports.reader import ImportRow, Layout, ParsedFile, csv_rows
from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from organiser.core.models import normalise_email
from organiser.web.forms import COUNTRY_CODES

_ORGANISATION, _MEMBERSHIP = Organisation.__table__.c, Membership.__table__.c
MEMBERS = Layout(
    columns={
        "name": most_characters(_ORGANISATION.name, OrganisationFields.name),
        "type": most_characters(_ORGANISATION.type),
        "country": most_characters(_ORGANISATION.country),
        "region": most_characters(_ORGANISATION.region, OrganisationFields.region),
        "website": most_characters(_ORGANISATION.website, OrganisationFields.website),
        "description": most_characters(_ORGANISATION.description, OrganisationFields.description),
        "contact_name": most_characters(_MEMBERSHIP.contact_name, JoinForm.contact_name),
        "contact_email": most_characters(_MEMBERSHIP.contact_email, JoinForm.contact_email),
        "role": most_characters(_MEMBERSHIP.role),
    },
    required=frozenset({"name", "country"}),
    max_rows=2000,
    too_many=_l("At most %(n)s organisations at a time.", n=2000),
)
COLUMNS = list(MEMBERS.columns)


def parse(text: str, coalition: Coalition) -> ParsedFile:
    """Every row, checked; raises ImportFileError when the file itself is unusable."""
    existing: set[Hashable] = {
        _key({"name": m.organisation.name, "country": m.organisation.country or ""})
        for m in coalition.memberships
        if m.status in (MembershipStatus.ACTIVE, MembershipStatus.APPLIED, MembershipStatus.SUSPENDED)
    }
    parsed = checked(csv_rows(text, MEMBERS), MEMBERS, _check, _key, existing)
    _note_other_bodies_organisations(parsed, coalition)
    return parsed


def _note_other_bodies_organisations(parsed: ParsedFile, coalition: Coalition) -> None:
    """A ready row naming an organisation that is someone else's is imported as an application
    its administrators must confirm (``services.import_members``): the preview says so."""
    from organiser.coalitions.services import belongs_only_to, find_organisation

    for row in parsed.rows:
        if row.ok:
            org = find_organisation(row.values["name"], row.values["country"])
            if org is not None and not belongs_only_to(org, {coalition.id}):
                row.notes.append(_("Already on Organiser: it joins once its own administrators confirm it."))


def _key(values: dict[str, str]) -> tuple[str, str]:
    return " ".join(values["name"].casefold().split()), values["country"]


def _check(row: ImportRow) -> None:
    v = row.values
    v["country"] = v["country"].upper()
    v["type"] = "_".join(v["type"].lower().replace("-", " ").split()) or OrganisationType.OTHER.value
    v["role"] = v["role"].lower() or MembershipRole.MEMBER.value
    v["contact_email"] = normalise_email(v["contact_email"])
    if not v["name"]:
        row.errors.append(_("The name is missing"))
    if not v["country"]:
        row.errors.append(_("The country is missing"))
    elif v["country"] not in COUNTRY_CODES:
        row.errors.append(
            _("“%(value)s” is not a two-letter country code such as GB or ZM", value=shown(v["country"]))
        )
    if v["type"] not in {str(t) for t in OrganisationType}:
        row.errors.append(_("“%(value)s” is not a type of organisation", value=shown(v["type"])))
    if v["role"] not in {str(r) for r in MembershipRole}:
        row.errors.append(_("The role must be member, steering or chair"))
    if v["website"] and not _web_address(v["website"]):
        row.errors.append(_("The website must start with https://"))
    if v["contact_email"] and not valid_email(v["contact_email"]):
        row.errors.append(_("“%(value)s” is not an e-mail address", value=shown(v["contact_email"])))


def _web_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in value)
