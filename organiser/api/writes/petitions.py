"""Creating and changing petitions: ``POST /api/v1/petitions`` and ``PUT /api/v1/petitions/<id>``.

Through the coordinators' own services (``create_petition``, ``update_petition``, ``open_petition``,
``close_petition``), so a petition made here is like any other: its public page, its sign form and
confirmations, its sponsors' invitations and tracking links, its place in the lists. Only a
coalition's key (its coordinators' key) makes and changes petitions, in its coalition or a chapter
under it (``organiser:coalition``); an organisation's key gets a 403, as its admins would.

A new petition is a draft unless ``organiser:status`` is ``open``. ``PUT`` changes the fields it
carries and leaves the others as they are (the address, ``name``, never changes: links to it are
out); ``organiser:status`` ``open`` or ``closed`` opens or closes it."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.petitions import services
from organiser.actions.petitions.lifecycle import close_if_overdue, today
from organiser.actions.petitions.models import Petition, PetitionStatus
from organiser.api.framework import ApiError, current_scope
from organiser.api.registry import DATE_PATTERN, REGISTRY, represent
from organiser.api.scope import ApiScope
from organiser.api.writes.body import Choice, List, Object, Text, Whole, parse
from organiser.api.writes.operations import Answer, write
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.web.forms import SLUG

FIELDS = {
    "title": Text(200, blank=False),
    "petition_text": Text(2000, multiline=True, blank=False, description="What the petition asks for."),
    "description": Text(10000, multiline=True, description="The background."),
    "target": List(Object({"name": Text(300)}), max_items=1),
    "organiser:goal": Whole(maximum=100_000_000, description="Signatures aimed for (1000 if not said)."),
    "organiser:close_date": Text(10, pattern=f"^{DATE_PATTERN[: DATE_PATTERN.index('(T')]}$"),
    "organiser:status": Choice(("draft", "open", "closed")),
}
CREATE = Object(
    {
        **FIELDS,
        "name": Text(
            80, pattern=SLUG, description="The end of its address: lower-case letters, digits, hyphens."
        ),
        "organiser:coalition": Text(
            80, description="The slug of a chapter of the key's coalition (or its own)."
        ),
    },
    required=("title", "name", "petition_text"),
)
CHANGE = Object(FIELDS)
PETITION = {"$ref": "#/components/schemas/Petition"}
ERRORS = ("400", "401", "403", "404", "409", "413", "429")


def _maker(scope: ApiScope) -> Any:
    """Who answers for it: the key's maker (the logs and the petition's author name them)."""
    if not scope.is_coordinator:
        message = _("Only a coalition's key may make or change petitions.")
        raise ApiError(403, message)
    return SimpleNamespace(id=scope.key.created_by_id)


def _coalition(scope: ApiScope, slug: str | None) -> Coalition:
    if not slug:
        return scope.key.coalition  # type: ignore[return-value]
    named = db.session.scalar(select(Coalition).where(Coalition.slug == slug))
    if named is None:
        raise ApiError(404, _("There is no such coalition."), {"organiser:coalition": [_("Unknown.")]})
    if named.id not in scope.coalition_ids:
        message = _("This key may not make petitions in this coalition.")
        raise ApiError(403, message, {"organiser:coalition": [message]})
    return named


def _details(body: dict[str, Any]) -> dict[str, Any]:
    """The service's fields, from the OSDI body's (only those it carries)."""
    names = {"title": "title", "petition_text": "ask", "description": "background", "organiser:goal": "goal"}
    details = {names[k]: v for k, v in body.items() if k in names}
    if "target" in body:
        details["target"] = (body["target"] or [{}])[0].get("name") or ""
    if "organiser:close_date" in body:
        details["close_date"] = _date(body["organiser:close_date"])
    return details


def _date(text: str) -> date | None:
    if not text:
        return None
    found = date.fromisoformat(re.sub(r"\s", "", text))
    if found < today():
        message = _("Choose today or a later date.")
        raise ApiError(409, _("The close date has passed."), {"organiser:close_date": [message]})
    return found


def _set_status(petition: Petition, status: str | None, by: Any) -> None:
    try:
        if status == "open" and petition.status == PetitionStatus.DRAFT:
            services.open_petition(petition, by=by)
        elif status == "closed" and petition.status == PetitionStatus.OPEN:
            services.close_petition(petition, by=by)
        elif status is not None and status != str(petition.status):
            raise services.PetitionStateError(status)
    except services.PetitionStateError:
        message = _("A draft can be opened, and an open petition closed; nothing else.")
        raise ApiError(409, message, {"organiser:status": [message]}) from None


def _answer(petition: Petition, scope: ApiScope, status: int) -> Answer:
    item = represent(REGISTRY["petitions"], [petition], scope)[0]
    return Answer(status, item, item["_links"]["self"]["href"])


@write(
    "/petitions",
    "create_petition",
    summary="Make a petition (a draft, or open)",
    description=__doc__ or "",
    body=CREATE,
    answers={"201": "Made: the petition."},
    answer_schema=PETITION,
    errors=ERRORS,
)
def create_petition() -> Answer:
    """Make a petition through the coordinators' service."""
    scope = current_scope()
    by = _maker(scope)
    body = parse(CREATE)
    coalition = _coalition(scope, body.get("organiser:coalition"))
    if db.session.scalar(select(Petition.id).where(Petition.slug == body["name"])) is not None:
        message = _("Another petition has this address already.")
        raise ApiError(409, message, {"name": [message]})
    details = {"goal": 1000, **_details(body)}
    petition = services.create_petition(coalition.id, by=by, slug=body["name"], **details)
    _set_status(petition, body.get("organiser:status"), by)
    return _answer(petition, scope, 201)


@write(
    "/petitions/{item_id}",
    "update_petition",
    method="PUT",
    path_parameters=("item_id",),
    summary="Change a petition (the fields sent), open or close it",
    description=__doc__ or "",
    body=CHANGE,
    answers={"200": "Changed: the petition."},
    answer_schema=PETITION,
    errors=(*ERRORS, "405"),
)
def update_petition(item_id: int) -> Answer:
    """Change a petition through the coordinators' service."""
    scope = current_scope()
    visible = REGISTRY["petitions"].visible(scope)
    petition = db.session.scalar(select(Petition).where(Petition.id == item_id, *visible))
    if petition is None:
        if db.session.get(Petition, item_id) is None:
            raise ApiError(404, _("There is no such petition."))
        raise ApiError(403, _("This key may not see this petition."))
    by = _maker(scope)
    body = parse(CHANGE)
    close_if_overdue(petition)
    if details := _details(body):
        try:
            services.update_petition(petition, by=by, **details)
        except services.PetitionStateError:
            raise ApiError(409, _("Only a draft or open petition can be changed.")) from None
    _set_status(petition, body.get("organiser:status"), by)
    return _answer(petition, scope, 200)
