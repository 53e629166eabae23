"""The organisers' own registration questions: added at the end, changed, moved up or down, removed.
Answers already given keep the question's text as it was asked (``Registration.answers``)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from organiser.assemblies.models import Assembly, RegistrationQuestion
from organiser.db import db

log = logging.getLogger(__name__)

MAX_QUESTIONS = 30


class TooManyQuestions(Exception):
    pass


def add_question(assembly: Assembly, *, by: Any, **fields: Any) -> RegistrationQuestion:
    """A new question, last on the form."""
    if len(assembly.questions) >= MAX_QUESTIONS:
        raise TooManyQuestions
    last = db.session.scalar(
        select(func.max(RegistrationQuestion.position)).where(RegistrationQuestion.assembly_id == assembly.id)
    )
    question = RegistrationQuestion(assembly_id=assembly.id, position=(last or 0) + 1, **fields)
    db.session.add(question)
    db.session.flush()
    db.session.refresh(assembly, ["questions"])
    log.info("question %s added to assembly %s by %s", question.id, assembly.id, by.id)
    return question


def update_question(question: RegistrationQuestion, *, by: Any, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(question, key, value)
    db.session.flush()
    log.info("question %s of assembly %s changed by %s", question.id, question.assembly_id, by.id)


def move_question(assembly: Assembly, question: RegistrationQuestion, direction: str, *, by: Any) -> None:
    """Swap the question with the one above it (``up``) or below it (``down``); at the top (or the
    bottom) it stays where it is."""
    ordered = list(assembly.questions)
    for position, each in enumerate(ordered, start=1):
        each.position = position  # numbered afresh: positions stay distinct whatever came before
    index = ordered.index(question)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index].position, ordered[other].position = ordered[other].position, ordered[index].position
    db.session.flush()
    db.session.refresh(assembly, ["questions"])
    log.info("question %s of assembly %s moved %s by %s", question.id, assembly.id, direction, by.id)


def remove_question(question: RegistrationQuestion, *, by: Any) -> None:
    db.session.delete(question)
    db.session.flush()
    log.info("question %s removed from assembly %s by %s", question.id, question.assembly_id, by.id)


def question_of(assembly: Assembly, question_id: int) -> RegistrationQuestion | None:
    question = db.session.get(RegistrationQuestion, question_id)
    return question if question is not None and question.assembly_id == assembly.id else None
