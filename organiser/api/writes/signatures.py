"""OSDI's Record Signature Helper: ``POST /api/v1/petitions/<id>/record_signature_helper``.

A signature recorded here goes the public sign form's way, never another: with Redis, into the same
intake (``organiser.actions.petitions.intake.accept``; the answer is a 202 and the intake's job writes
it, so the helper holds under the same surge as the form); without Redis, through the same
``services.sign`` (a 201 with the signature). The person is matched by their normalised address and
merged (the sign statement's ``ON CONFLICT``), never duplicated. Two things differ from the form, on
purpose: the per-IP and per-domain limits do not apply (a CRM sends from one address; its key has
its own rate limit), and consent is never assumed: only ``organiser:consent`` states it.

How it is confirmed:

* By default, as the form: the signer gets the confirmation e-mail, and the signature counts once
  they follow its link (double opt-in; the consent stated rides on the signature until then).
* ``organiser:confirmed_by_key_owner: true``: the key's owner vouches that the signer confirmed on
  the owner's own site. Only a coalition's key may (its coordinators run the petitions; an
  organisation's key gets a 403): the signature is recorded and confirmed at once, without e-mail,
  the ledger (``api_vouched_signatures``) keeps which key vouched, and the consent stated goes to
  the consent ledger with its wording and "vouched by <key name>". It is written directly (one
  short transaction), not through the intake: a vouched signature must be confirmed as it is written.

The public count includes both once confirmed (counting is the same count job): a vouched signature
is one the coalition's coordinators confirmed themselves, and the ledger lets them find and take
out every signature a key vouched for if that trust was misplaced."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.petitions import intake, services
from organiser.actions.petitions.lifecycle import close_if_overdue
from organiser.actions.petitions.models import Petition, PetitionStatus, Signature
from organiser.api.framework import ApiError, current_scope
from organiser.api.registry import REGISTRY, list_url, represent
from organiser.api.scope import ApiScope
from organiser.api.writes import tags
from organiser.api.writes.body import Flag, List, Object, Text, parse
from organiser.api.writes.models import VouchedSignature
from organiser.api.writes.operations import Answer, write
from organiser.api.writes.person import (
    CONSENT,
    PERSON,
    REFERRER,
    consent_source,
    email_of,
    name_of,
    record_stated_consent,
    region_of,
    source_of,
)
from organiser.db import db
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import person_id_for, supporter_email

BODY = Object(
    {
        "person": PERSON,
        "comments": Text(1000, multiline=True, description="Why they signed (shown as on the form)."),
        "referrer_data": REFERRER,
        "add_tags": List(tags.TAG_NAME, max_items=20),
        "triggers": Object(
            {"autoresponse": Object({"enabled": Flag(description="Ignored: the confirmation is sent.")})}
        ),
        "organiser:consent": CONSENT,
        "organiser:public_name": Flag(description="Show the signer's name on the petition's page."),
        "organiser:confirmed_by_key_owner": Flag(
            description="The key's owner vouches that the signer confirmed on its own site (coalitions' "
            "keys only): recorded as confirmed, without a confirmation e-mail."
        ),
    },
    required=("person",),
)

QUEUED = {
    "type": "object",
    "required": ["organiser:status", "_links"],
    "properties": {"organiser:status": {"const": "queued"}, "_links": {"type": "object"}},
}
ANSWER = {"oneOf": [{"$ref": "#/components/schemas/Signature"}, QUEUED]}


def _petition(petition_id: int, scope: ApiScope) -> Petition:
    """The petition, if the key sees it (403), and if there is one (404): one query when both hold."""
    visible = REGISTRY["petitions"].visible(scope)
    petition = db.session.scalar(select(Petition).where(Petition.id == petition_id, *visible))
    if petition is not None:
        return petition
    if db.session.get(Petition, petition_id) is None:
        raise ApiError(404, _("There is no such petition."))
    raise ApiError(403, _("This key may not see this petition."))


def _sign_data(body: dict[str, Any], vouched: bool) -> dict[str, Any]:
    """What the sign form would have sent: the same keys, from the OSDI body."""
    consent = body.get("organiser:consent") or {}
    return {
        "name": name_of(body["person"]),
        "email": email_of(body["person"]),
        "region": region_of(body["person"]),
        "country": (body["person"].get("postal_addresses") or [{}])[0].get("country") or "",
        "comment": body.get("comments") or "",
        "public_name": bool(body.get("organiser:public_name")),
        # Vouched: the stated consent goes to the ledger now, with its own wording (below).
        "consent_coalition": bool(consent.get("coalition")) and not vouched,
        "consent_sponsor": bool(consent.get("sponsor")) and not vouched,
    }


@write(
    "/petitions/{parent_id}/record_signature_helper",
    "record_signature_helper",
    path_parameters=("parent_id",),
    summary="Record a signature (OSDI's Record Signature Helper)",
    description=__doc__ or "",
    body=BODY,
    answers={
        "201": "Recorded: the signature (pending until confirmed, unless vouched).",
        "200": "This person had signed already: their signature, as it is.",
        "202": "Queued in the sign intake (with Redis): it is written within a second or so.",
    },
    answer_schema=ANSWER,
)
def record_signature(parent_id: int) -> Answer:
    """Record a signature through the public form's own path (see the module's description)."""
    scope = current_scope()
    petition = _petition(parent_id, scope)
    body = parse(BODY)
    vouched = bool(body.get("organiser:confirmed_by_key_owner"))
    if vouched and not scope.is_coordinator:
        raise ApiError(
            403,
            _("Only a coalition's key may vouch that a signature was confirmed."),
            {"organiser:confirmed_by_key_owner": [_("An organisation's key may not vouch.")]},
        )
    tags.check_allowed(scope, body.get("add_tags") or [])
    close_if_overdue(petition)
    if petition.status != PetitionStatus.OPEN:
        raise ApiError(409, _("This petition is not open for signatures."))
    data, source = _sign_data(body, vouched), source_of(body)
    if vouched:
        return _vouched(petition, body, data, source, scope)
    if intake.enabled():
        return _queued(petition, body, data, source, scope)
    result = services.sign(petition, data, source=source, flagged=False)
    signature = db.session.get(Signature, result.signature_id)
    tags.add(scope, signature.person_id, body.get("add_tags") or [])
    return _answer(signature, scope, 201 if result.created else 200)


def _answer(signature: Signature, scope: ApiScope, status: int) -> Answer:
    item = represent(REGISTRY["signatures"], [signature], scope)[0]
    return Answer(status, item, item["_links"]["self"]["href"], signature.person_id)


def _queued(
    petition: Petition, body: dict[str, Any], data: dict[str, Any], source: dict[str, str], scope: ApiScope
) -> Answer:
    """Into the public form's intake (no rate limit by IP: the key has its own)."""
    if body.get("add_tags"):  # the person must exist to carry a tag: found or made now (as the intake would)
        tree_id = petition.coalition.lineage()[-1].id
        person_id = person_id_for(
            tree_id, supporter_email(data["email"]), {k: data[k] for k in ("name", "region", "country")}
        )
        tags.add(scope, person_id, body["add_tags"])
    intake.accept(petition.id, data, source, str(get_locale()), limited=False)
    address = supporter_email(data["email"])
    links = {
        "osdi:petition": {"href": url_for("api.petitions_item", item_id=petition.id, _external=True)},
        "osdi:signatures": {"href": list_url(REGISTRY["signatures"], petition.id)},
        "osdi:person": {"href": list_url(REGISTRY["people"], filter=f"email_address eq '{address}'")},
    }
    return Answer(202, {"organiser:status": "queued", "_links": links})


def _vouched(
    petition: Petition, body: dict[str, Any], data: dict[str, Any], source: dict[str, str], scope: ApiScope
) -> Answer:
    """Recorded and confirmed at once, no e-mail; the ledger says which key vouched."""
    result = services.sign(petition, data, source=source, flagged=False, send_mail=False)
    signature = db.session.get(Signature, result.signature_id)
    if services.confirm(signature):
        key = scope.key
        db.session.add(VouchedSignature(signature_id=signature.id, api_key_id=key.id, key_name=key.name))
        person = db.session.get(Person, signature.person_id)
        stated = body.get("organiser:consent") or {}
        where = consent_source(scope, stated, vouched=True)
        record_stated_consent(person, stated, ConsentSubject.COALITION, petition.coalition_id, where)
        if signature.sponsor_organisation_id and stated.get("sponsor"):
            record_stated_consent(
                person,
                stated,
                ConsentSubject.ORGANISATION,
                signature.sponsor_organisation_id,
                where,
                "sponsor",
            )
        db.session.flush()
    tags.add(scope, signature.person_id, body.get("add_tags") or [])
    db.session.refresh(signature)
    return _answer(signature, scope, 201 if result.created else 200)
