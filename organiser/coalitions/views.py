"""Public coalition pages and the coordinators' team page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.coalitions import services
from organiser.coalitions.models import Coalition
from organiser.core import services as core_services
from organiser.core.forms import InviteForm
from organiser.core.models import Role
from organiser.core.permissions import authorise
from organiser.db import db
from organiser.messaging.forms import MailingForm
from organiser.messaging.services import mailings as mailing_services
from organiser.messaging.views import mailing_fields, segment_field_choices

bp = Blueprint("coalitions", __name__)


@bp.get("/")
def index() -> str:
    """The home page: the coalitions on this platform, alliances with their chapters."""
    return render_template("coalitions/index.html", alliances=services.alliances())


@bp.get("/coalitions/<slug>")
def show(slug: str) -> str:
    """A coalition's public page: who it is, its principles, its chapters and members."""
    coalition = services.public_page(slug)
    if coalition is None:
        abort(404)
    can_manage = current_user.is_authenticated and coalition.can_manage(current_user)
    return render_template(
        "coalitions/show.html", coalition=coalition, members=coalition.active_members(), can_manage=can_manage
    )


@bp.route("/coalitions/<slug>/team", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def team(coalition: Coalition) -> str | Response:
    """Coordinators see who coordinates the coalition and invite colleagues to join them."""
    form = InviteForm()
    if form.validate_on_submit():
        core_services.invite(
            form.email.data,
            Role.COALITION_COORDINATOR,
            coalition.id,
            by=current_user,
            scope_name=coalition.name,
        )
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("coalitions.team", slug=coalition.slug))
    return render_template(
        "coalitions/team.html",
        coalition=coalition,
        form=form,
        coordinators=services.coordinators_of(coalition),
    )


@bp.get("/coalitions/<slug>/mailings")
@authorise(Coalition, "can_manage")
def mailings(coalition: Coalition) -> str:
    """A coalition's mailings, newest first."""
    return render_template(
        "messaging/mailings.html", coalition=coalition, mailings=services.mailings_of(coalition)
    )


@bp.route("/coalitions/<slug>/mailings/new", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def new_mailing(coalition: Coalition) -> str | Response:
    """Write a new mailing; it is saved as a draft."""
    form = MailingForm()
    form.segments.choices = segment_field_choices(coalition)
    if form.validate_on_submit():
        mailing = mailing_services.create_mailing(coalition.id, by=current_user, **mailing_fields(form))
        db.session.commit()
        flash(_("Draft saved. Check who gets it, send yourself a test, then send or schedule it."), "success")
        return redirect(url_for("messaging.mailing", id=mailing.id))
    return render_template("messaging/mailing_form.html", form=form, coalition=coalition, mailing=None)
