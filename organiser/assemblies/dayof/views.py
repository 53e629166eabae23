"""The organisers' pages for the days around an assembly: when its registrants are reminded; the
check-in desk (a code typed, walk-ins, the attendance so far); the page a QR code opens, which checks
one registration in; and the attendance board, which reloads itself for a screen at the door."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from organiser.assemblies import services
from organiser.assemblies.dayof import door, reminders
from organiser.assemblies.dayof.forms import RemindersForm, WalkInForm, offsets_text
from organiser.assemblies.forms import CheckInForm
from organiser.assemblies.models import Assembly, Registration, RegistrationStatus
from organiser.assemblies.views.manage import check_in_refusal, check_in_typed_code
from organiser.db import db
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


@authorise(Assembly, "can_manage")
def reminders_page(assembly: Assembly) -> str | Response:
    """When registrants with a place are reminded, before the start, in the assembly's zone."""
    form = RemindersForm(data={"offsets": offsets_text(reminders.offsets_of(assembly))})
    if form.validate_on_submit():
        reminders.set_offsets(assembly, form.minutes, by=current_user)
        db.session.commit()
        flash(_("Reminders saved.") if form.minutes else _("No reminders will be sent."), "success")
        return redirect(url_for(".reminders", slug=assembly.slug))
    return render_template(
        "assemblies/dayof/reminders.html", assembly=assembly, form=form, rows=reminders.schedule(assembly)
    )


def _desk(assembly: Assembly, code_form: CheckInForm, walk_in: WalkInForm) -> str:
    recent = db.session.scalars(
        select(Registration)
        .where(Registration.assembly_id == assembly.id, Registration.status == RegistrationStatus.ATTENDED)
        .order_by(Registration.attended_at.desc(), Registration.id.desc())
        .limit(10)
    )
    return render_template(
        "assemblies/dayof/desk.html",
        assembly=assembly,
        form=walk_in if walk_in.errors else code_form,
        code_form=code_form,
        walk_in=walk_in,
        figures=door.attendance(assembly),
        recent=list(recent),
    )


@authorise(Assembly, "can_manage")
def desk(assembly: Assembly) -> str | Response:
    """The check-in desk: a code typed from an e-mail or a phone, walk-ins, the count so far."""
    form = CheckInForm()
    if check_in_typed_code(assembly, form):
        return redirect(url_for(".desk", slug=assembly.slug))
    return _desk(assembly, form, WalkInForm(formdata=None))


@authorise(Assembly, "can_manage")
def walk_in(assembly: Assembly) -> str | Response:
    """Register someone who came without registering: they count as taking part."""
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            registration = door.register_walk_in(assembly, form.data, by=current_user)
        except services.CheckInError:
            db.session.rollback()
            form.email.errors.append(_("This person is checked in already"))
        else:
            db.session.commit()
            flash(_("%(name)s is welcome: counted as taking part.", name=registration.name), "success")
            return redirect(url_for(".desk", slug=assembly.slug))
    return _desk(assembly, CheckInForm(formdata=None), form)


@authorise(Assembly, "can_manage")
def check_in_code(assembly: Assembly, code: str) -> str | Response:
    """What a registrant's QR code opens: GET shows who it is and a button; POST checks them in."""
    registration = door.by_code(assembly, code)
    if registration is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.check_in(registration, by=current_user)
        except services.CheckInError as error:
            db.session.rollback()
            flash(check_in_refusal(error.reason), "error")
        else:
            db.session.commit()
            flash(_("%(name)s is checked in.", name=registration.name), "success")
        return redirect(url_for(".desk", slug=assembly.slug))
    return render_template(
        "assemblies/dayof/check_in.html", assembly=assembly, registration=registration, form=form
    )


REFRESH_SECONDS = 15


@authorise(Assembly, "can_manage")
def board(assembly: Assembly) -> Response:
    """The attendance so far, in large figures, for a screen at the door: it reloads itself every 15
    seconds (an HTTP ``Refresh`` header, no JavaScript), unless the reader stopped it (``?still=1``:
    WCAG 2.2.1, the reader controls the timing)."""
    still = request.args.get("still") == "1"
    body = render_template(
        "assemblies/dayof/board.html",
        assembly=assembly,
        figures=door.attendance(assembly),
        still=still,
        seconds=REFRESH_SECONDS,
    )
    response = Response(body, mimetype="text/html")
    if not still:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response
