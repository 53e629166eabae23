"""OSDI's Record Attendance Helper: ``POST /api/v1/events/<id>/record_attendance_helper``.

A registration recorded here goes the assembly's public form's way: the assembly's own form (its
access needs and its organisers' questions, required ones included) checks what the body says, and
the assemblies' ``register`` service keeps it pending and e-mails the link that confirms it; the
person confirms into a place or onto the waitlist (capacity is never exceeded), as on the form.
No vouching: a place is the person's to take. Consent only as stated; tags as for the others.

``organiser:answers`` answers the assembly's questions by their id (``GET /api/v1/events/<id>``
does not list them yet: the organisers' registration page does)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from organiser.api.framework import ApiError, current_scope
from organiser.api.registry import REGISTRY, represent
from organiser.api.scope import ApiScope
from organiser.api.writes import tags
from organiser.api.writes.body import List, Map, Object, Text, parse
from organiser.api.writes.operations import Answer, write
from organiser.api.writes.person import CONSENT, PERSON, country_of, email_of, name_of, region_of
from organiser.assemblies import services as assemblies
from organiser.assemblies.models import Assembly, Registration
from organiser.assemblies.registration_form import registration_form_class
from organiser.db import db

BODY = Object(
    {
        "person": PERSON,
        "organiser:language": Text(60, description="The language they will speak (for interpretation)."),
        "organiser:access_needs": Text(2000, multiline=True, description="What they need to take part."),
        "organiser:answers": Map(
            Text(2000, multiline=True), max_items=50, description="The assembly's questions' answers, by id."
        ),
        "add_tags": List(tags.TAG_NAME, max_items=20),
        "organiser:consent": CONSENT,
    },
    required=("person",),
)
# Checked by the body's own declaration: the form's checks of these are not asked again.
CHECKED = {"name", "email", "region", "country", "website", "consent_coalition"}
FIELD_PATHS = {"language": "organiser:language", "access_needs": "organiser:access_needs"}


def _assembly(assembly_id: int, scope: ApiScope) -> Assembly:
    visible = REGISTRY["events"].visible(scope)
    assembly = db.session.scalar(select(Assembly).where(Assembly.id == assembly_id, *visible))
    if assembly is not None:
        return assembly
    if db.session.get(Assembly, assembly_id) is None:
        raise ApiError(404, _("There is no such event."))
    raise ApiError(403, _("This key may not see this event."))


def _form_data(assembly: Assembly, body: dict[str, Any]) -> dict[str, Any]:
    """The assembly's own form, filled in from the body: its needs and questions checked as on the
    page (a 400 naming each field), and what it keeps."""
    person = body["person"]
    submitted = MultiDict(
        {
            "name": name_of(person),
            "email": email_of(person),
            "region": region_of(person),
            "country": country_of(person) or "",
            "language": body.get("organiser:language") or "",
            "access_needs": body.get("organiser:access_needs") or "",
        }
    )
    questions = {str(q.id): q for q in assembly.questions}
    answers = body.get("organiser:answers") or {}
    if unknown := [question_id for question_id in answers if question_id not in questions]:
        message = _("This event asks no such question.")
        raise ApiError(
            404, message, {f"organiser:answers.{question_id}": [message] for question_id in unknown}
        )
    for question_id, answer in answers.items():
        if answer:
            submitted.add(questions[question_id].field_name, answer)
    errors: dict[str, list[str]] = {}
    form = registration_form_class(assembly)(formdata=submitted, meta={"csrf": False})
    form.validate()
    by_field = {q.field_name: f"organiser:answers.{q.id}" for q in assembly.questions}
    for name, messages in form.errors.items():
        if name not in CHECKED:
            errors[FIELD_PATHS.get(name) or by_field.get(name, name)] = [str(m) for m in messages]
    if errors:
        raise ApiError(400, _("Some fields are not valid."), errors)
    consent = body.get("organiser:consent") or {}
    return {
        **form.data,
        **submitted.to_dict(),
        "country": country_of(person),
        "consent_coalition": bool(consent.get("coalition")),
        "needs": form.needs(),
        "answers": form.answers(),
    }


@write(
    "/events/{parent_id}/record_attendance_helper",
    "record_attendance_helper",
    path_parameters=("parent_id",),
    summary="Register someone for an event (OSDI's Record Attendance Helper)",
    description=__doc__ or "",
    body=BODY,
    answers={
        "201": "Registered, pending: the person confirms by e-mail into a place or onto the waitlist.",
        "200": "Registered before: the registration as it is (its link sent again, a few times at most).",
    },
    answer_schema={"$ref": "#/components/schemas/Attendance"},
)
def record_attendance(parent_id: int) -> Answer:
    """Register through the assembly form's own checks and service."""
    scope = current_scope()
    assembly = _assembly(parent_id, scope)
    body = parse(BODY)
    tags.check_allowed(scope, body.get("add_tags") or [])
    if assembly.registration_state() != "open":
        raise ApiError(409, _("Registration for this event is not open."))
    result = assemblies.register(assembly, _form_data(assembly, body), ip="")
    registration = db.session.get(Registration, result.registration_id)
    tags.add(scope, registration.person_id, body.get("add_tags") or [])
    item = represent(REGISTRY["attendances"], [registration], scope)[0]
    status = 201 if result.created else 200
    return Answer(status, item, item["_links"]["self"]["href"], registration.person_id)
