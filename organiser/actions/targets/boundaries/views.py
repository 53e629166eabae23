"""The coordinators' map page: the coalition's map as it is drawn, the upload of a new one (checked
feature by feature: nothing is kept from a file with a problem), and its removal."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.targets.boundaries import services
from organiser.actions.targets.boundaries.forms import BoundaryUploadForm
from organiser.actions.targets.boundaries.geojson import BoundaryFileError, max_bytes
from organiser.actions.targets.boundaries.preview import coverage, preview
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.web.buttons import button_action
from organiser.web.permissions import authorise

bp = Blueprint("boundaries", __name__)


@bp.route("/coalitions/<slug>/areas/map", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def map_page(coalition: Coalition) -> str | Response:
    """The map, and a form to upload a new one (it replaces the old one once checked)."""
    form = BoundaryUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            boundary_map = services.upload_map(
                coalition.id,
                upload.read(max_bytes() + 1),
                code_property=form.code_property.data,
                name_property=form.name_property.data or "",
                filename=upload.filename or "",
                by=current_user,
            )
        except BoundaryFileError as error:
            form.file.errors = [*form.file.errors, *error.problems]
        else:
            db.session.commit()
            flash(
                ngettext(
                    "The map is saved: %(num)s area.",
                    "The map is saved: %(num)s areas.",
                    len(boundary_map.areas),
                ),
                "success",
            )
            return redirect(url_for("boundaries.map_page", slug=coalition.slug))
    boundary_map = services.map_of(coalition.id)
    areas = services.areas_of(boundary_map) if boundary_map else []
    return render_template(
        "actions/targets/map.html",
        coalition=coalition,
        form=form,
        boundary_map=boundary_map,
        areas=areas,
        drawing=preview(boundary_map, areas) if boundary_map else None,
        coverage=coverage(coalition.id, areas) if boundary_map else None,
    )


@bp.post("/coalitions/<slug>/areas/map/remove")
@authorise(Coalition, "can_manage")
def remove(coalition: Coalition) -> Response:
    """Remove the map: petition pages show their table and chart without it."""
    return button_action(
        lambda: services.remove_map(coalition.id, by=current_user),
        refused=(),
        refused_message="",
        done_message=lambda: _("The map is removed."),
        back=url_for("boundaries.map_page", slug=coalition.slug),
    )
