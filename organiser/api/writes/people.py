"""OSDI's Person Signup Helper: ``POST /api/v1/people/person_signup_helper``.

The person is matched by their normalised address in the coalition tree and merged, never
duplicated: what Organiser did not know of them is filled in, what it knew is kept (a client's
record does not overwrite what the person told us themselves). Consent is never assumed: only what
``organiser:consent`` states goes to the consent ledger, with its wording and a source naming the
key — to the key's coalition (``coalition``), or, for an organisation's key, to the organisation
(``organisation``) and the coalition it names (``organiser:coalition``, needed when the organisation
is a member of more than one). Tags as for the signature helper (coalitions' keys only).

The answer is the person as the key sees them (200, whether they were known or not: the answer
tells no key whether an address was known before), or, when the key may not see them (an
organisation's key, for someone who agreed to hear from the coalition only), a 202 saying it is
recorded and nothing of the person."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.api.framework import ApiError, current_scope
from organiser.api.registry import REGISTRY, represent
from organiser.api.scope import ApiScope
from organiser.api.writes import tags
from organiser.api.writes.body import Flag, List, Object, Text, parse
from organiser.api.writes.operations import Answer, write
from organiser.api.writes.person import PERSON, consent_source, country_of, email_of, name_of, region_of
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import record_consent, supporter_email

CONSENT = Object(
    {
        "coalition": Flag(
            description="Agrees to e-mail from the coalition (the key's, or organiser:coalition)."
        ),
        "organisation": Flag(description="Agrees to e-mail from the key's organisation (its keys only)."),
        "wording": Text(2000, multiline=True, description="The words the person agreed to."),
        "source": Text(120, description="Where they agreed: a form of your site, say."),
    },
    description="What the person agreed to, stated by the client: absent means no consent at all.",
)
BODY = Object(
    {
        "person": PERSON,
        "add_tags": List(tags.TAG_NAME, max_items=20),
        "organiser:consent": CONSENT,
        "organiser:coalition": Text(80, description="An organisation's key: the slug of the coalition."),
    },
    required=("person",),
)
RECORDED = {
    "type": "object",
    "required": ["organiser:status"],
    "properties": {"organiser:status": {"const": "recorded"}},
}


def _coalition(scope: ApiScope, slug: str | None) -> Coalition:
    """The coalition the person signs up with: the key's own, or one the key sees named by its slug (a
    chapter, for an alliance's key; for an organisation's key, a coalition it is an active member of,
    which it must name when there are several)."""
    if slug:
        named = db.session.scalar(select(Coalition).where(Coalition.slug == slug))
        if named is None:
            raise ApiError(404, _("There is no such coalition."), {"organiser:coalition": [_("Unknown.")]})
        if named.id not in scope.coalition_ids:
            message = _("This key may not sign people up with this coalition.")
            raise ApiError(403, message, {"organiser:coalition": [message]})
        return named
    if scope.is_coordinator:
        return scope.key.coalition  # type: ignore[return-value]
    coalitions = [viewer.coalition for viewer in scope.viewers]
    if len(coalitions) != 1:
        slugs = ", ".join(sorted(c.slug for c in coalitions)) or "—"
        message = _("Name one of the coalitions the organisation is a member of: %(slugs)s.", slugs=slugs)
        raise ApiError(422, _("Name the coalition."), {"organiser:coalition": [message]})
    return coalitions[0]


def _check_consent(scope: ApiScope, stated: dict[str, Any]) -> None:
    if stated.get("organisation") and scope.is_coordinator:
        message = _("A coalition's key has no organisation.")
        raise ApiError(403, message, {"organiser:consent.organisation": [message]})


def _merge(tree_id: int, person: dict[str, Any]) -> Person:
    """The person of this address in the tree, made if new; only their empty details filled in."""
    address = supporter_email(email_of(person))
    found = db.session.scalar(select(Person).where(Person.tree_id == tree_id, Person.email == address))
    if found is None:
        found = Person(tree_id=tree_id, email=address)
        db.session.add(found)
    details = {"name": name_of(person), "region": region_of(person), "country": country_of(person)}
    for field, value in details.items():
        if value and not getattr(found, field):
            setattr(found, field, value)
    if not found.name:
        found.name = details["name"]
    db.session.flush()
    return found


def _record_consent(scope: ApiScope, person: Person, coalition: Coalition, stated: dict[str, Any]) -> None:
    source = consent_source(scope, stated)
    wording = stated.get("wording") or _("Agreed through %(source)s.", source=source)
    if stated.get("coalition"):
        record_consent(
            person, ConsentSubject.COALITION, coalition.id, given=True, wording=wording, source=source
        )
    if stated.get("organisation"):
        organisation_id = scope.organisation_id or 0
        record_consent(
            person, ConsentSubject.ORGANISATION, organisation_id, given=True, wording=wording, source=source
        )


@write(
    "/people/person_signup_helper",
    "person_signup_helper",
    summary="Sign a person up (OSDI's Person Signup Helper)",
    description=__doc__ or "",
    body=BODY,
    answers={
        "200": "The person, as the key sees them (known before or not).",
        "202": "Recorded; the key may not see the person.",
    },
    answer_schema={"oneOf": [{"$ref": "#/components/schemas/Person"}, RECORDED]},
    errors=("400", "401", "403", "404", "409", "413", "422", "429"),
)
def person_signup() -> Answer:
    """Match or make the person, merge their details, record the consent stated, tag them."""
    scope = current_scope()
    body = parse(BODY)
    tags.check_allowed(scope, body.get("add_tags") or [])
    _check_consent(scope, body.get("organiser:consent") or {})
    coalition = _coalition(scope, body.get("organiser:coalition"))
    person = _merge(coalition.lineage()[-1].id, body["person"])
    _record_consent(scope, person, coalition, body.get("organiser:consent") or {})
    tags.add(scope, person.id, body.get("add_tags") or [])
    db.session.flush()
    people = REGISTRY["people"]
    if db.session.scalar(select(Person.id).where(Person.id == person.id, *people.visible(scope))) is None:
        return Answer(202, {"organiser:status": "recorded"})
    item = represent(people, [person], scope)[0]
    return Answer(200, item, item["_links"]["self"]["href"], person.id)
