"""Coordinators' petition pages: the list, writing and changing a petition, opening and closing it,
its signatures as CSV and its counts as JSON."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from organiser.actions.petitions import milestones, services
from organiser.actions.petitions.forms import PetitionForm
from organiser.actions.petitions.lifecycle import close_if_overdue
from organiser.actions.petitions.models import Petition
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.web.buttons import button_action
from organiser.web.downloads import export_download
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


@authorise(Coalition, "can_manage")
def petitions(coalition: Coalition) -> str:
    """A coalition's petitions, newest first."""
    return render_template(
        "actions/petitions/petitions.html",
        coalition=coalition,
        petitions=services.petitions_of(coalition.id),
        form=ConfirmForm(),
    )


@authorise(Coalition, "can_manage")
def new_petition(coalition: Coalition) -> str | Response:
    """Write a petition; it stays a draft, seen only by coordinators, until it is opened."""
    form = PetitionForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Petition.id).where(Petition.slug == form.slug.data)) is not None:
            form.slug.errors.append(_("Another petition has this address already"))
        else:
            fields = {**form.details(), "slug": form.slug.data}
            fields["milestones"] = milestones.parse_milestones(form.milestones.data or "")
            petition = services.create_petition(coalition.id, by=current_user, **fields)
            db.session.commit()
            flash(_("Draft saved. Check the page, then open it for signatures."), "success")
            return redirect(url_for("petitions.petition", slug=petition.slug))
    return render_template("actions/petitions/petition_form.html", coalition=coalition, form=form)


@authorise(Petition, "can_manage")
def edit_petition(petition: Petition) -> str | Response:
    """Change a draft or open petition's details: its words, goal and close date (the address stays)."""
    if close_if_overdue(petition):  # its close date passed and nothing has swept it yet
        db.session.commit()
    if petition.status not in services.EDITABLE_STATES:
        flash(_("This petition is closed: its details can no longer be changed."), "error")
        return redirect(url_for("petitions.petition", slug=petition.slug))
    form = PetitionForm.for_editing(petition)
    if form.validate_on_submit():
        try:
            services.update_petition(petition, by=current_user, **form.details())
        except services.CloseDatePassed:
            db.session.rollback()
            form.close_date.errors.append(_("Choose today or a later date"))
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("petitions.petition", slug=petition.slug))
    return render_template(
        "actions/petitions/petition_form.html", coalition=petition.coalition, form=form, petition=petition
    )


@authorise(Petition, "can_manage")
def open_petition(petition: Petition) -> Response:
    """Open a draft for signatures; one whose close date has passed is refused (it would close at once)."""
    refusal: list[str] = []

    def act() -> None:
        try:
            services.open_petition(petition, by=current_user)
        except services.AwaitsDecision:
            refusal.append(
                _("A petition started by a supporter opens when you approve it on its review page.")
            )
            raise
        except services.CloseDatePassed as passed:
            refusal.append(
                _(
                    "Its close date, %(date)s, has passed, so it would close at once. Choose a later "
                    "close date, or none, under “Change the details”, then open it.",
                    date=format_date(passed.close_date, "long"),
                )
            )
            raise

    return button_action(
        act,
        refused=services.PetitionStateError,
        refused_message=lambda: refusal[0] if refusal else _("Only a draft can be opened."),
        done_message=_("The petition is open for signatures."),
        back=url_for("petitions.petition", slug=petition.slug),
    )


@authorise(Petition, "can_manage")
def close_petition(petition: Petition) -> Response:
    """Close an open petition to new signatures."""
    return button_action(
        lambda: services.close_petition(petition, by=current_user),
        refused=services.PetitionStateError,
        refused_message=_("Only an open petition can be closed."),
        done_message=_("The petition is closed to new signatures."),
        back=url_for("petitions.petition", slug=petition.slug),
    )


@authorise(Petition, "can_manage")
def export_signatures(petition: Petition) -> Response:
    """Every signature, for the coordinators (cells that look like formulas are made inert)."""
    return export_download(services.export_signatures(petition), by=current_user)


@authorise(Petition, "can_manage")
def petition_summary(petition: Petition) -> dict[str, object]:
    """The petition with its confirmed counts by country, region and source."""
    return services.summary(petition)
