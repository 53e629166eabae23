"""Organisers finishing an assembly: the questions of its registration form, the speakers of its
programme, and its closing report. ``ROUTES`` joins the route table in ``blueprint``."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from organiser.assemblies.forms import AgendaItemForm
from organiser.assemblies.models import Assembly, RegistrationQuestion
from organiser.assemblies.organiser_forms import QUESTION_KINDS, ClosingReportForm, QuestionForm, SpeakerForm
from organiser.assemblies.services import questions as question_services
from organiser.assemblies.services import report as report_services
from organiser.assemblies.services import speakers as speaker_services
from organiser.db import db
from organiser.web.buttons import button_action
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise

# ---- the registration form's questions ----------------------------------------------------------


def _questions_page(assembly: Assembly, form: QuestionForm) -> str:
    return render_template(
        "assemblies/questions.html",
        assembly=assembly,
        form=form,
        kinds=QUESTION_KINDS,
        button_form=ConfirmForm(),
    )


@authorise(Assembly, "can_manage")
def questions(assembly: Assembly) -> str | Response:
    """The organisers' own questions on the registration form: the list, and a form to add one."""
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question_services.add_question(assembly, by=current_user, **form.fields_for_service())
        except question_services.TooManyQuestions:
            db.session.rollback()
            form.label.errors.append(
                _("A form can have at most %(max)d questions", max=question_services.MAX_QUESTIONS)
            )
        else:
            db.session.commit()
            flash(_("The question is on the registration form."), "success")
            return redirect(url_for(".questions", slug=assembly.slug))
    return _questions_page(assembly, form)


def _question(assembly: Assembly, question_id: int) -> RegistrationQuestion:
    question = question_services.question_of(assembly, question_id)
    if question is None:
        abort(404)
    return question


@authorise(Assembly, "can_manage")
def edit_question(assembly: Assembly, question_id: int) -> str | Response:
    """Change a question; answers already given keep the question as it was asked."""
    question = _question(assembly, question_id)
    form = QuestionForm(
        data={
            "label": question.label,
            "hint": question.hint,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "required": question.required,
        }
    )
    if form.validate_on_submit():
        question_services.update_question(question, by=current_user, **form.fields_for_service())
        db.session.commit()
        flash(_("The question is changed."), "success")
        return redirect(url_for(".questions", slug=assembly.slug))
    return render_template("assemblies/question_form.html", assembly=assembly, question=question, form=form)


@authorise(Assembly, "can_manage")
def move_question(assembly: Assembly, question_id: int, direction: str) -> Response:
    """Move a question up or down the form."""
    question = _question(assembly, question_id)
    return button_action(
        lambda: question_services.move_question(assembly, question, direction, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("The question is moved."),
        back=url_for(".questions", slug=assembly.slug),
    )


@authorise(Assembly, "can_manage")
def remove_question(assembly: Assembly, question_id: int) -> Response:
    """Take a question off the form (answers already given are kept with the registrations)."""
    question = _question(assembly, question_id)
    return button_action(
        lambda: question_services.remove_question(question, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("The question is taken off the form."),
        back=url_for(".questions", slug=assembly.slug),
    )


# ---- speakers, on the agenda page ---------------------------------------------------------------


def speaker_form(assembly: Assembly) -> SpeakerForm:
    form = SpeakerForm()
    form.item.choices = [
        SelectChoice(item.id, f"{assembly.local(item.starts_at):%H:%M} · {item.title}")
        for item in assembly.agenda
    ]
    return form


def agenda_page(assembly: Assembly, form: AgendaItemForm, speakers: SpeakerForm) -> str:
    """The programme page: its parts with their speakers, the form to add a part, and the one to
    add a speaker."""
    return render_template(
        "assemblies/agenda.html",
        assembly=assembly,
        form=form,
        speaker_form=speakers,
        button_form=ConfirmForm(),
    )


@authorise(Assembly, "can_manage")
def add_speaker(assembly: Assembly) -> str | Response:
    """Add someone who speaks in a part of the programme."""
    form = speaker_form(assembly)
    item = speaker_services.item_of(assembly, form.item.data) if form.validate_on_submit() else None
    if item is None:
        if not form.errors:
            form.item.errors.append(_("Add a part to the programme first"))
        agenda_form = AgendaItemForm(formdata=None, data={"starts": _start(assembly)})
        return agenda_page(assembly, agenda_form, form)
    speaker_services.add_speaker(
        item,
        name=form.name.data,
        organisation=form.organisation.data or "",
        role=form.role.data or "",
        by=current_user,
    )
    db.session.commit()
    flash(_("%(name)s is on the programme.", name=form.name.data), "success")
    return redirect(url_for(".agenda", slug=assembly.slug))


def _start(assembly: Assembly) -> Any:
    return assembly.local(assembly.starts_at).replace(tzinfo=None)


@authorise(Assembly, "can_manage")
def remove_speaker(assembly: Assembly, speaker_id: int) -> Response:
    """Take a speaker off the programme."""
    speaker = speaker_services.speaker_of(assembly, speaker_id)
    if speaker is None:
        abort(404)
    return button_action(
        lambda: speaker_services.remove_speaker(speaker, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("The speaker is taken off the programme."),
        back=url_for(".agenda", slug=assembly.slug),
    )


# ---- the closing report -------------------------------------------------------------------------


@authorise(Assembly, "can_manage")
def closing_report(assembly: Assembly) -> str | Response:
    """Write the closing report, and publish it on the assembly's page."""
    saved = report_services.report_of(assembly)
    form = ClosingReportForm.for_editing(saved)
    if form.validate_on_submit():
        report_services.save_report(
            assembly, published=bool(form.published.data), by=current_user, **form.fields_for_service()
        )
        db.session.commit()
        flash(
            _("The report is saved and published.") if form.published.data else _("The report is saved."),
            "success",
        )
        return redirect(url_for(".closing_report", slug=assembly.slug))
    return render_template(
        "assemblies/closing_report.html",
        assembly=assembly,
        form=form,
        report=saved,
        attendance=report_services.attendance(assembly),
    )


ROUTES = (
    ("/assemblies/<slug>/questions", "questions", questions, ("GET", "POST")),
    ("/assemblies/<slug>/questions/<int:question_id>", "edit_question", edit_question, ("GET", "POST")),
    (
        "/assemblies/<slug>/questions/<int:question_id>/<any(up, down):direction>",
        "move_question",
        move_question,
        ("POST",),
    ),
    ("/assemblies/<slug>/questions/<int:question_id>/remove", "remove_question", remove_question, ("POST",)),
    ("/assemblies/<slug>/agenda/speakers", "add_speaker", add_speaker, ("POST",)),
    ("/assemblies/<slug>/speakers/<int:speaker_id>/remove", "remove_speaker", remove_speaker, ("POST",)),
    ("/assemblies/<slug>/report", "closing_report", closing_report, ("GET", "POST")),
)
