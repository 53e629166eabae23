"""People: exactly the people the key's owner sees on the supporters' pages
(organiser.supporters.scope decides), with their e-mail status from the consent ledger."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from organiser.api.collections.schema import MAYBE_TEXT, TEXT, objects, one_of
from organiser.api.registry import Collection, register
from organiser.api.scope import ApiScope
from organiser.db import db
from organiser.people.models import ConsentState, ConsentSubject, Person
from organiser.people.services import supporter_email


def _subscribed(rows: Sequence[Person], scope: ApiScope) -> set[int]:
    """Who, of these people, agrees today to e-mail from the key's owner: for a coalition's key its
    coalition, a chapter under it or an alliance above it; for an organisation's key, the organisation
    (everyone it sees does)."""
    if scope.organisation_id is not None:
        return {p.id for p in rows}
    viewer = scope.viewers[0]
    subjects = set(viewer.coalition_ids) | set(viewer.lineage_ids)
    return set(
        db.session.scalars(
            select(ConsentState.person_id).where(
                ConsentState.person_id.in_([p.id for p in rows]),
                ConsentState.subject_type == ConsentSubject.COALITION,
                ConsentState.subject_id.in_(subjects),
                ConsentState.channel == "email",
                ConsentState.granted.is_(True),
            )
        )
    )


def _names(name: str) -> tuple[str, str]:
    given, _space, family = name.strip().partition(" ")
    return given, family.strip()


def _people(rows: Sequence[Person], scope: ApiScope) -> list[dict[str, Any]]:
    subscribed = _subscribed(rows, scope) if rows else set()
    items = []
    for person in rows:
        given, family = _names(person.name)
        items.append(
            {
                "given_name": given,
                "family_name": family,
                "organiser:name": person.name,
                "email_addresses": [
                    {
                        "primary": True,
                        "address": person.email,
                        "status": "subscribed" if person.id in subscribed else "unsubscribed",
                    }
                ],
                "postal_addresses": [
                    {
                        "primary": True,
                        "postal_code": person.postcode,
                        "region": person.region,
                        "country": person.country,
                    }
                ],
                "languages_spoken": [person.language] if person.language else [],
            }
        )
    return items


register(
    Collection(
        name="people",
        item="person",
        model=Person,
        summary="Supporters, as the key's owner sees them in the supporters' pages",
        visible=lambda scope: [scope.people()],
        render=_people,
        properties={
            "given_name": TEXT,
            "family_name": TEXT,
            "organiser:name": TEXT,
            "email_addresses": objects(
                {
                    "primary": {"type": "boolean"},
                    "address": TEXT,
                    "status": one_of("subscribed", "unsubscribed"),
                }
            ),
            "postal_addresses": objects(
                {"primary": {"type": "boolean"}, "postal_code": TEXT, "region": TEXT, "country": MAYBE_TEXT}
            ),
            "languages_spoken": {"type": "array", "items": TEXT},
        },
        filters={"email_address": lambda value: Person.email == supporter_email(value)},
    )
)
