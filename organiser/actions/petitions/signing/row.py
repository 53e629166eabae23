"""What one signature is made of, as both ways of signing write it (``one`` a signature at a time,
``batch`` the intake's batch in one statement): its columns, with its person's tree and address,
and what a sign call answers (``SignResult``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from organiser.actions.petitions.models import Petition, SignatureState
from organiser.actions.petitions.sponsors import sponsor_for_signing

SOURCE_KEYS = ("source", "utm_source", "utm_medium", "utm_campaign", "referrer", "ip")
# The signature's columns ``signature_row`` fills in, in the order the PostgreSQL statements of
# ``one`` and ``batch`` write them (both are built from this list: a new field is added here once).
SIGNATURE_COLUMNS = (
    "petition_id",
    "name",
    "region",
    "country",
    "comment",
    "public_name",
    *SOURCE_KEYS,
    "confirmation_sends",
    "created_at",
    "state",
    "email_domain",
    "sponsor_organisation_id",
    "consent_coalition",
    "consent_sponsor",
)


def column_list(prefix: str = "", columns: tuple[str, ...] = SIGNATURE_COLUMNS) -> str:
    """``a, b, c`` (or ``:a, :b, :c``, ``i.a, i.b, …``) for a statement."""
    return ", ".join(prefix + name for name in columns)


def array_type(name: str) -> str:
    """The PostgreSQL array type of a signature (or person) column, for ``unnest``, without a length:
    a cast to ``varchar(n)`` would cut an over-long value silently, where the insert refuses it."""
    import re

    from sqlalchemy.dialects import postgresql

    from organiser.actions.petitions.models import Signature
    from organiser.people.models import Person

    table = Signature.__table__ if name in Signature.__table__.c else Person.__table__
    return re.sub(r"\(\d+\)", "", table.c[name].type.compile(dialect=postgresql.dialect())) + "[]"


_PENDING, _OVER_LIMIT = str(SignatureState.PENDING), str(SignatureState.OVER_LIMIT)


@dataclass(frozen=True)
class SignResult:
    signature_id: int
    created: bool
    confirmed: bool  # signed and confirmed before: the person is told so
    flagged: bool  # over a rate limit: stored, not e-mailed, never counted (never shown as such)


def signature_row(
    petition: Petition,
    data: dict[str, Any],
    source: dict[str, str],
    *,
    address: str,
    tree_id: int,
    flagged: bool,
    at: datetime,
) -> dict[str, Any]:
    """The signature's columns, and its person's ``tree_id`` and ``email`` (a new person's record
    starts from what they typed). Anyone can type an address: the consent boxes are kept on the
    signature and reach the consent ledger, and its details the person's record, only when the link
    in that mailbox confirms it (``confirmed.apply_confirmed_choices``). Over a rate limit
    (``flagged``) it is kept, never e-mailed, and its boxes are not kept."""
    sponsor = sponsor_for_signing(petition, source.get("source", ""))  # (organisation id, name)
    row = {
        "tree_id": tree_id,
        "email": address,
        "name": data["name"],
        "region": data.get("region") or "",
        "country": data.get("country") or None,
        "petition_id": petition.id,
        "comment": data.get("comment") or "",
        "public_name": bool(data.get("public_name")),
        "confirmation_sends": 0 if flagged else 1,
        "created_at": at,
        "state": _OVER_LIMIT if flagged else _PENDING,
        "email_domain": address.rpartition("@")[2][:255],
        "sponsor_organisation_id": sponsor[0] if sponsor else None,
        "consent_coalition": bool(data.get("consent_coalition")) and not flagged,
        "consent_sponsor": bool(sponsor and data.get("consent_sponsor")) and not flagged,
    }
    for key in SOURCE_KEYS:
        row[key] = source.get(key, "")
    return row
