"""The Record Attendance Helper: the assembly's own form checks the body (its questions included),
the assemblies' service registers, the person confirms by e-mail into a place."""

from __future__ import annotations

from sqlalchemy import select

from organiser.assemblies.models import Assembly, QuestionKind, Registration, RegistrationQuestion
from organiser.db import db
from tests.api.test_writes import poster, signer
from tests.helpers import links_in, path_of


def attend(world) -> str:
    return f"/events/{world.tree.assembly}/record_attendance_helper"


def _question(app, world) -> int:
    with app.app_context():
        question = RegistrationQuestion(
            assembly_id=world.tree.assembly, kind=QuestionKind.SHORT_TEXT, label="Your village", required=True
        )
        db.session.add(question)
        db.session.commit()
        return question.id


def test_a_key_registers_someone_who_confirms_into_a_place(app, world, mail):
    post = poster(app, world)
    question = _question(app, world)
    refused = post(attend(world), "zambia", signer("mwila@example.org"))
    assert refused.status_code == 400 and list(refused.json["errors"]) == [f"organiser:answers.{question}"]
    body = signer("mwila@example.org", **{"organiser:answers": {str(question): "Chongwe"}})
    body["organiser:access_needs"] = "Step-free access"
    answer = post(attend(world), "zambia", body)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    [message] = mail.wait_for_to("mwila@example.org")
    assert app.test_client().post(path_of(links_in(message)[0])).status_code in (200, 302, 303)
    with app.app_context():
        registration = db.session.scalar(
            select(Registration).where(Registration.email == "mwila@example.org")
        )
        assert registration.status == "confirmed" and registration.access_needs == "Step-free access"
        assert list(registration.answers.values()) == [{"question": "Your village", "answer": "Chongwe"}]
    assert post(attend(world), "zambia", body).status_code == 200, "registering again"


def test_scope_closed_registration_and_unknown_questions(app, world):
    post = poster(app, world)
    assert post(attend(world), "mexico", signer("x@example.org")).status_code == 403
    unknown = post(attend(world), "zambia", signer("x@example.org", **{"organiser:answers": {"999999": "?"}}))
    assert unknown.status_code == 404 and list(unknown.json["errors"]) == ["organiser:answers.999999"]
    with app.app_context():
        db.session.get(Assembly, world.tree.assembly).status = "cancelled"
        db.session.commit()
    assert post(attend(world), "zambia", signer("x@example.org")).status_code == 409
