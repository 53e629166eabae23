"""OSDI's Record Outreach Helper: ``POST /api/v1/advocacy_campaigns/<id>/record_outreach_helper``.

A letter recorded here is written by the letters' own service (``letters.write``), as the campaign's
public form writes it: pending letters to each of the campaign's decision-makers (its fixed targets,
or those of the writer's region), and the e-mail whose link confirms them; only then are they sent,
at the campaign's pace. There is no vouching: a letter goes to a decision-maker in the writer's
name, so the writer confirms it themselves. The letter is the writer's ``subject`` and ``message``
where the campaign lets writers edit, otherwise (or when absent) the suggested version's
(``organiser:version``, or the first). Consent only as stated; tags as for the other helpers."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.letters import services as letters
from organiser.actions.letters.forms import MAX_BODY
from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign
from organiser.actions.letters.services.closing import close_if_overdue
from organiser.api.framework import ApiError, current_scope
from organiser.api.registry import REGISTRY, represent
from organiser.api.scope import ApiScope
from organiser.api.writes import tags
from organiser.api.writes.body import List, Object, Text, Whole, parse
from organiser.api.writes.operations import Answer, write
from organiser.api.writes.person import (
    CONSENT,
    PERSON,
    REFERRER,
    country_of,
    email_of,
    name_of,
    region_of,
    source_of,
)
from organiser.db import db
from organiser.people.services import supporter_email

BODY = Object(
    {
        "person": PERSON,
        "subject": Text(300, blank=False, description="The writer's subject (where writers may edit)."),
        "message": Text(MAX_BODY, multiline=True, min_length=20, blank=False, description="The letter."),
        "organiser:version": Whole(description="The suggested letter written from (a live version's id)."),
        "referrer_data": REFERRER,
        "add_tags": List(tags.TAG_NAME, max_items=20),
        "organiser:consent": CONSENT,
    },
    required=("person",),
)
ANSWER = {
    "type": "object",
    "required": ["organiser:letters_written", "_embedded"],
    "properties": {
        "organiser:letters_written": {"type": "integer", "minimum": 0},
        "_embedded": {
            "type": "object",
            "properties": {
                "osdi:outreaches": {"type": "array", "items": {"$ref": "#/components/schemas/Outreach"}}
            },
        },
    },
}


def _campaign(campaign_id: int, scope: ApiScope) -> LetterCampaign:
    visible = REGISTRY["advocacy_campaigns"].visible(scope)
    campaign = db.session.scalar(select(LetterCampaign).where(LetterCampaign.id == campaign_id, *visible))
    if campaign is not None:
        return campaign
    if db.session.get(LetterCampaign, campaign_id) is None:
        raise ApiError(404, _("There is no such advocacy campaign."))
    raise ApiError(403, _("This key may not see this advocacy campaign."))


def _words(campaign: LetterCampaign, body: dict[str, Any]) -> dict[str, Any]:
    """The letter: the writer's words where the campaign allows them, else the version's."""
    version = campaign.live_versions[0] if campaign.live_versions else None
    if (chosen := body.get("organiser:version")) is not None:
        version = campaign.version(chosen)
        if version is None:
            message = _("Not one of this campaign's letters.")
            raise ApiError(404, message, {"organiser:version": [message]})
    own = {k: body[k] for k in ("subject", "message") if body.get(k)}
    if own and not campaign.writers_may_edit:
        message = _("This campaign's writers send its letter as it is.")
        raise ApiError(409, message, {name: [message] for name in own})
    subject = own.get("subject") or (version.subject if version else "")
    text = own.get("message") or (version.body if version else "")
    if not subject.strip() or len(text.strip()) < 20:
        raise ApiError(409, _("This campaign has no letter to send yet: send subject and message."))
    return {"subject": subject, "body": text, "version": version}


@write(
    "/advocacy_campaigns/{parent_id}/record_outreach_helper",
    "record_outreach_helper",
    path_parameters=("parent_id",),
    summary="Record a letter (OSDI's Record Outreach Helper)",
    description=__doc__ or "",
    body=BODY,
    answers={
        "201": "Written: the pending letters, one per decision-maker; the writer confirms them by e-mail.",
        "200": "Written before: the letters as they are (their link sent again, a few times at most).",
    },
    answer_schema=ANSWER,
)
def record_outreach(parent_id: int) -> Answer:
    """Write the letters through the campaign form's own service."""
    scope = current_scope()
    campaign = _campaign(parent_id, scope)
    body = parse(BODY)
    tags.check_allowed(scope, body.get("add_tags") or [])
    close_if_overdue(campaign)
    if campaign.status != CampaignStatus.OPEN:
        raise ApiError(409, _("This campaign is not open for letters."))
    person, consent = body["person"], body.get("organiser:consent") or {}
    region = region_of(person)
    if not letters.recipients(campaign, region):
        message = _("This campaign has no decision-maker for this writer's region.")
        raise ApiError(409, message, {"person.postal_addresses": [message]})
    data = {
        "name": name_of(person),
        "email": email_of(person),
        "region": region,
        "country": country_of(person),
        "consent_coalition": bool(consent.get("coalition")),
        "consent_sponsor": bool(consent.get("sponsor")),
        **_words(campaign, body),
    }
    result = letters.write(campaign, data, ip="", source=source_of(body))
    written = _letters_of(campaign, supporter_email(data["email"]), scope)
    person_id = written[0].person_id if written else None
    tags.add(scope, person_id, body.get("add_tags") or [])
    items = represent(REGISTRY["outreaches"], written, scope)
    answer = {"organiser:letters_written": result.created, "_embedded": {"osdi:outreaches": items}}
    return Answer(201 if result.created else 200, answer, person_id=person_id)


def _letters_of(campaign: LetterCampaign, address: str, scope: ApiScope) -> list[Letter]:
    from organiser.people.models import Person

    tree_id = campaign.coalition.lineage()[-1].id
    person_id = db.session.scalar(select(Person.id).where(Person.tree_id == tree_id, Person.email == address))
    query = select(Letter).where(Letter.campaign_id == campaign.id, Letter.person_id == person_id)
    return list(db.session.scalars(query.order_by(Letter.id)))
