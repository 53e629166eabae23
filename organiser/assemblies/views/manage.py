"""Assemblies for their organisers: a coalition's assemblies, planning a new one and changing it,
publishing and cancelling it, its programme, its registrations with check-in and cancelling, and
the CSV export."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from organiser.assemblies import needs, services
from organiser.assemblies.forms import AgendaItemForm, AssemblyForm, CheckInForm
from organiser.assemblies.models import AgendaItem, Assembly, Registration, RegistrationStatus
from organiser.assemblies.views import planning
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.web import zones
from organiser.web.buttons import button_action
from organiser.web.downloads import export_download
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


def _coalition_organiser(view: Callable[..., Any]) -> Callable[..., Any]:
    """Load the coalition in the URL (404) and require someone who may create its assemblies (403)."""

    @functools.wraps(view)
    @login_required
    def wrapper(slug: str) -> Any:
        coalition = db.session.scalar(select(Coalition).where(Coalition.slug == slug))
        if coalition is None:
            abort(404)
        if not services.can_create_in(coalition, current_user):
            abort(403)
        return view(coalition)

    return wrapper


@_coalition_organiser
def coalition_assemblies(coalition: Coalition) -> str:
    """A coalition's assemblies, latest first, for its coordinators and assembly organisers."""
    assemblies = [a for a in services.assemblies_of(coalition.id) if a.can_manage(current_user)]
    return render_template("assemblies/list.html", coalition=coalition, assemblies=assemblies)


@_coalition_organiser
def new(coalition: Coalition) -> str | Response:
    """Plan an assembly; it stays a draft, seen only by its organisers, until it is published."""
    form = AssemblyForm(timezone=zones.default_zone(coalition.country))
    form.hosts.choices = [SelectChoice(i, name) for i, name in services.host_choices(coalition)]
    form.timezone.choices = zones.zone_choices(coalition.country)
    if form.validate_on_submit():
        if db.session.scalar(select(Assembly.id).where(Assembly.slug == form.slug.data)) is not None:
            form.slug.errors.append(_("Another assembly has this address already"))
        else:
            assembly = services.create_assembly(
                coalition.id, by=current_user, hosts=form.hosts.data or [], **form.fields_for_service()
            )
            _grant_creator(assembly)
            db.session.commit()
            flash(_("Draft saved. Check the page, then publish it to open registration."), "success")
            _flash_notes(form)
            return redirect(url_for(".public", slug=assembly.slug))
    return render_template("assemblies/assembly_form.html", coalition=coalition, form=form)


@authorise(Assembly, "can_manage")
def edit(assembly: Assembly) -> str | Response:
    """Change an assembly's details; more places are given to the waitlist at once."""
    form = AssemblyForm.for_editing(assembly)
    form.hosts.choices = [SelectChoice(i, name) for i, name in services.host_choices(assembly.coalition)]
    form.timezone.choices = zones.zone_choices(assembly.coalition.country, keep=assembly.timezone)
    if form.validate_on_submit():
        try:
            promoted = services.update_assembly(
                assembly, by=current_user, hosts=form.hosts.data or [], **form.fields_for_service()
            )
        except services.CapacityTooSmall as error:
            db.session.rollback()
            form.capacity.errors.append(
                ngettext(
                    "%(num)s person has a place already: give at least that many places",
                    "%(num)s people have a place already: give at least that many places",
                    error.taken,
                )
            )
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            _flash_notes(form)
            if promoted:
                flash(
                    ngettext(
                        "%(num)s person on the waitlist got a place and an e-mail.",
                        "%(num)s people on the waitlist got a place and an e-mail.",
                        len(promoted),
                    ),
                    "success",
                )
            return redirect(url_for(".public", slug=assembly.slug))
    return render_template(
        "assemblies/assembly_form.html", coalition=assembly.coalition, form=form, assembly=assembly
    )


def _flash_notes(form: AssemblyForm) -> None:
    for note in form.notes():
        flash(note, "info")


@authorise(Assembly, "can_manage")
def agenda(assembly: Assembly) -> str | Response:
    """The programme, shown on the public page: add parts, remove them."""
    form = AgendaItemForm(data={"starts": assembly.local(assembly.starts_at).replace(tzinfo=None)})
    form.zone_name = assembly.timezone
    if form.validate_on_submit():
        try:
            services.add_agenda_item(
                assembly,
                starts_at=form.starts_at,
                title=form.title.data.strip(),
                description=(form.description.data or "").strip(),
                by=current_user,
            )
        except services.OutsideTheAssembly:
            db.session.rollback()
            form.starts.errors.append(_("Choose a time between the start and the end of the assembly"))
        else:
            db.session.commit()
            flash(_("Added to the programme."), "success")
            return redirect(url_for(".agenda", slug=assembly.slug))
    return planning.agenda_page(assembly, form, planning.speaker_form(assembly))


@authorise(Assembly, "can_manage")
def remove_agenda_item(assembly: Assembly, item_id: int) -> Response:
    """Take a part out of the programme."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.assembly_id != assembly.id:
        abort(404)
    return button_action(
        lambda: services.remove_agenda_item(item, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("Removed from the programme."),
        back=url_for(".agenda", slug=assembly.slug),
    )


def _grant_creator(assembly: Assembly) -> None:
    """An assembly organiser who is not a coordinator organises what they create."""
    from organiser.core.models import Role
    from organiser.core.services import grant_role

    if not assembly.coalition.can_manage(current_user):
        grant_role(current_user, Role.ASSEMBLY_ORGANISER, assembly.id)


@authorise(Assembly, "can_manage")
def publish(assembly: Assembly) -> Response:
    """Publish a draft: its page becomes public and registration opens (within its window)."""
    return button_action(
        lambda: services.publish(assembly, by=current_user),
        refused=services.AssemblyStateError,
        refused_message=_("Only a draft can be published."),
        done_message=_("The assembly is published."),
        back=url_for(".public", slug=assembly.slug),
    )


@authorise(Assembly, "can_manage")
def cancel(assembly: Assembly) -> Response:
    """Cancel a published assembly; everyone with a place or on the waitlist is told."""
    return button_action(
        lambda: services.cancel_assembly(assembly, by=current_user),
        refused=services.AssemblyStateError,
        refused_message=_("Only a published assembly can be cancelled."),
        done_message=_("The assembly is cancelled and its registrants are being told."),
        back=url_for(".public", slug=assembly.slug),
    )


@authorise(Assembly, "can_manage")
def registrations(assembly: Assembly) -> str | Response:
    """Who registered: the figures, the list with access needs, and check-in by code."""
    form = CheckInForm()
    if check_in_typed_code(assembly, form):
        return redirect(url_for(".registrations", slug=assembly.slug))
    everyone = services.registrations_of(assembly)
    waitlist = [r for r in everyone if r.status == RegistrationStatus.WAITLISTED]
    need_counts, other_needs = needs.counted(r for r in everyone if r.status in _COMING)
    return render_template(
        "assemblies/registrations.html",
        assembly=assembly,
        form=form,
        button_form=ConfirmForm(),
        figures=services.counts(assembly),
        registrations=everyone,
        positions={r.id: position for position, r in enumerate(waitlist, start=1)},
        need_counts=[c for c in need_counts if c.need in needs.offered(assembly) or c.count],
        other_needs=other_needs,
        coming=sum(1 for r in everyone if r.status in _COMING),
        questions=assembly.questions,
    )


# Whose needs the organisers plan for: those with a place (or who came), and the waitlist.
_COMING = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED, RegistrationStatus.WAITLISTED)


def check_in_typed_code(assembly: Assembly, form: CheckInForm) -> bool:
    """Check in the registration whose code was typed (committed, and said so); a code refused
    gets its reason next to the field. Whether someone was checked in."""
    if not form.validate_on_submit():
        return False
    try:
        registration = services.check_in_by_code(assembly, form.code.data, by=current_user)
    except services.CheckInError as error:
        db.session.rollback()
        form.code.errors.append(check_in_refusal(error.reason))
        return False
    db.session.commit()
    flash(_("%(name)s is checked in.", name=registration.name), "success")
    return True


def check_in_refusal(reason: str) -> str:
    return {
        "unknown": _("No registration for this assembly has this code"),
        "already": _("This person is checked in already"),
        "waitlisted": _("This person is on the waitlist: they have no place yet"),
    }.get(reason, _("This registration is not confirmed"))


def _registration_of(assembly: Assembly, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.assembly_id != assembly.id:
        abort(404)
    return registration


@authorise(Assembly, "can_manage")
def check_in(assembly: Assembly, registration_id: int) -> Response:
    """Check someone in from the list."""
    registration = _registration_of(assembly, registration_id)
    refusal: list[str] = []

    def act() -> None:
        try:
            services.check_in(registration, by=current_user)
        except services.CheckInError as error:
            refusal.append(check_in_refusal(error.reason))
            raise

    return button_action(
        act,
        refused=services.CheckInError,
        refused_message=lambda: refusal[0],
        done_message=lambda: _("%(name)s is checked in.", name=registration.name),
        back=url_for(".registrations", slug=assembly.slug),
    )


@authorise(Assembly, "can_manage")
def cancel_registration(assembly: Assembly, registration_id: int) -> Response:
    """Cancel a registration on the person's request; the next on the waitlist is promoted."""
    registration = _registration_of(assembly, registration_id)
    return button_action(
        lambda: services.cancel_registration(registration, by=current_user),
        refused=services.RegistrationStateError,
        refused_message=_("This registration cannot be cancelled."),
        done_message=lambda: _("The registration of %(name)s is cancelled.", name=registration.name),
        back=url_for(".registrations", slug=assembly.slug),
    )


@authorise(Assembly, "can_manage")
def export(assembly: Assembly) -> Response:
    """Every registration, for the organisers (logged; cells that look like formulas made inert)."""
    return export_download(services.export_registrations(assembly), by=current_user)
