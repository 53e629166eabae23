"""Coordinators set a petition's thresholds: at how many signatures, and what happens then."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.petitions.models import Petition
from organiser.actions.petitions.thresholds import services
from organiser.actions.petitions.thresholds.forms import ThresholdForm
from organiser.db import db
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise

bp = Blueprint("thresholds", __name__)


@authorise(Petition, "can_manage")
def thresholds(petition: Petition) -> str | Response:
    """The petition's thresholds, reached or not, and a form to add one."""
    form = ThresholdForm()
    if form.validate_on_submit():
        try:
            services.add_threshold(
                petition, form.signatures.data, form.next_step.data, form.details.data or "", by=current_user
            )
        except services.ThresholdError as refused:
            db.session.rollback()
            form.signatures.errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("Threshold saved."), "success")
            return redirect(url_for("thresholds.thresholds", slug=petition.slug))
    return render_template(
        "actions/petitions/thresholds/thresholds.html",
        petition=petition,
        form=form,
        shown=services.shown(petition),
        steps=services.thresholds_of(petition),
        button_form=ConfirmForm(),
    )


@authorise(Petition, "can_manage")
def remove_threshold(petition: Petition, threshold_id: int) -> Response:
    """Take a threshold off the petition (a reached one stays recorded as reached)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not services.remove_threshold(petition, threshold_id, by=current_user):
        abort(404)
    db.session.commit()
    flash(_("Threshold removed."), "success")
    return redirect(url_for("thresholds.thresholds", slug=petition.slug))


bp.add_url_rule("/petitions/<slug>/thresholds", "thresholds", thresholds, methods=["GET", "POST"])
bp.add_url_rule(
    "/petitions/<slug>/thresholds/<int:threshold_id>/remove", "remove", remove_threshold, methods=["POST"]
)
