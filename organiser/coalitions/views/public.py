"""The public coalition pages: the home page with the alliances and their chapters, a coalition's
page with its principles and member directory, the application to join, and organisations' logos."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.coalitions import services, showcase
from organiser.coalitions.forms import TYPE_LABELS, JoinForm
from organiser.db import db
from organiser.extensions import limiter
from organiser.web.microcache import public_page


def index() -> Response:
    """The home page: the coalitions on this platform, alliances with their chapters, and what the
    packages above show there (open actions, the search box)."""
    body = render_template(
        "coalitions/index.html",
        alliances=services.alliances(),
        showcase=showcase.sections(showcase.HOME),
    )
    return public_page(Response(body, mimetype="text/html"))


def show(slug: str) -> Response:
    """A coalition's public page: who it is, its principles, its chapters and members, and what the
    packages above show there (its open actions and outcomes)."""
    coalition = services.public_page(slug)
    if coalition is None:
        abort(404)
    can_manage = current_user.is_authenticated and coalition.can_manage(current_user)
    filters = {key: request.args.get(key, "").strip() for key in ("q", "type", "country")}
    everyone = coalition.active_members()
    body = render_template(
        "coalitions/show.html",
        coalition=coalition,
        members=services.directory(coalition, **filters),
        member_total=len(everyone),
        filters=filters,
        can_manage=can_manage,
        type_labels=TYPE_LABELS,
        countries=sorted({m.organisation.country for m in everyone if m.organisation.country}),
        types=sorted({str(m.organisation.type) for m in everyone}),
        showcase=showcase.sections(showcase.COALITION, coalition),
    )
    return public_page(Response(body, mimetype="text/html"))


@limiter.limit("10 per hour", methods=["POST"])
def join(slug: str) -> str | Response:
    """An organisation applies to join: its details, a contact person, the principles endorsed."""
    coalition = services.public_page(slug)
    if coalition is None:
        abort(404)
    form = JoinForm()
    form.set_choices()
    if form.validate_on_submit():
        # The same answer whether the organisation applied before or not: what differs goes only
        # to the contact's mailbox.
        services.apply_to_join(
            coalition,
            organisation=form.profile(),
            contact_name=form.contact_name.data,
            contact_email=form.contact_email.data,
        )
        db.session.commit()
        return render_template(
            "coalitions/join_done.html", coalition=coalition, email=form.contact_email.data
        )
    return render_template("coalitions/join.html", coalition=coalition, form=form)


def organisation_logo(slug: str) -> Response:
    """The organisation's logo, as we re-encoded it; cached by browsers and proxies for a day."""
    logo = services.logo_of(slug)
    if logo is None:
        abort(404)
    data, version = logo
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(f"{slug}-{version}")
    return response.make_conditional(request)
