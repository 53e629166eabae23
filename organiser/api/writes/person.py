"""The person in a helper's body (OSDI's person, with what Organiser keeps of it), and consent as the
body states it: never assumed, recorded in the consent ledger with the wording shown and its source."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from organiser.api.scope import ApiScope
from organiser.api.writes.body import EMAIL_PATTERN, Choice, Flag, List, Object, Text
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import record_consent
from organiser.web.forms import COUNTRY_CODES

PERSON = Object(
    {
        "given_name": Text(100, blank=False),
        "family_name": Text(99),
        "email_addresses": List(
            Object(
                {
                    "address": Text(254, pattern=EMAIL_PATTERN),
                    "primary": Flag(),
                    "status": Choice(("subscribed", "unsubscribed", "bouncing", "spam complaints")),
                },
                required=("address",),
                description="The first address is the person's. OSDI's status is not consent: state "
                "consent in organiser:consent.",
            ),
            max_items=5,
            min_items=1,
        ),
        "postal_addresses": List(
            Object(
                {
                    "postal_code": Text(120),
                    "region": Text(120),
                    "locality": Text(120),
                    "country": Choice(tuple(sorted(COUNTRY_CODES))),
                },
                description="The first address: its postal code (or region, or locality) and country.",
            ),
            max_items=3,
        ),
    },
    required=("given_name", "email_addresses"),
)

CONSENT = Object(
    {
        "coalition": Flag(description="Agrees to e-mail from the petition's (or key's) coalition."),
        "sponsor": Flag(description="Agrees to e-mail from the sponsor named by referrer_data.source."),
        "wording": Text(2000, multiline=True, description="The words the person agreed to."),
        "source": Text(120, description="Where they agreed: a form of your site, say."),
    },
    description="What the person agreed to, stated by the client: absent means no consent at all.",
)

REFERRER = Object(
    {
        "source": Text(80, description="A sponsor's tracking code: the action is theirs."),
        "referrer": Text(500),
        "website": Text(500),
    }
)


def source_of(body: dict[str, Any]) -> dict[str, str]:
    """Where the action came from, as the public forms keep it (no IP address: a key is not a person)."""
    referrer = body.get("referrer_data") or {}
    return {
        "source": referrer.get("source") or "",
        "referrer": referrer.get("referrer") or referrer.get("website") or "",
        "utm_medium": "api",
        "ip": "",
    }


def name_of(person: dict[str, Any]) -> str:
    return " ".join(part for part in (person.get("given_name"), person.get("family_name")) if part)


def email_of(person: dict[str, Any]) -> str:
    return person["email_addresses"][0]["address"]


def region_of(person: dict[str, Any]) -> str:
    postal = (person.get("postal_addresses") or [{}])[0]
    return postal.get("postal_code") or postal.get("region") or postal.get("locality") or ""


def country_of(person: dict[str, Any]) -> str | None:
    return (person.get("postal_addresses") or [{}])[0].get("country") or None


def consent_source(scope: ApiScope, stated: dict[str, Any], *, vouched: bool = False) -> str:
    """The ledger's source: the key, and what the client said."""
    key = scope.key
    said = f": {stated['source']}" if stated.get("source") else ""
    how = "vouched by" if vouched else "stated through"
    return f"api: {how} the key “{key.name}” ({key.prefix}){said}"[:200]


def record_stated_consent(
    person: Person,
    stated: dict[str, Any],
    subject: ConsentSubject,
    subject_id: int,
    source: str,
    which: str = "coalition",
) -> bool:
    """Record the consent the body states for ``which`` (absent or false: nothing is recorded)."""
    if not stated.get(which):
        return False
    wording = stated.get("wording") or _("Agreed through %(source)s.", source=source)
    record_consent(person, subject, subject_id, given=True, wording=wording, source=source)
    return True
