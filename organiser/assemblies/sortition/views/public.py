"""Selection by lot for the public: the volunteering form (no session, so no CSRF token: double
opt-in, rate limits and a honeypot guard it) and its confirmation link; the invitation page where
someone drawn accepts or declines; and the verification page anyone can re-run the draw from."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from organiser.assemblies import services as assemblies
from organiser.assemblies.models import Assembly
from organiser.assemblies.sortition import draws, invitations, pools, selection, solver, volunteers
from organiser.assemblies.sortition.forms import VolunteerForm, volunteer_form_class
from organiser.assemblies.sortition.models import SelectionRun, SortitionPool
from organiser.db import db
from organiser.extensions import csrf
from organiser.web import limits
from organiser.web.microcache import public_page
from organiser.web.permissions import public_or_404
from organiser.web.public_actions import confirmation_page, is_bot


def _private(body: str, status: int = 200) -> Response:
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _public_pool(slug: str) -> tuple[Assembly, SortitionPool]:
    assembly = public_or_404(assemblies.by_slug(slug))
    pool = pools.pool_of(assembly)
    if pool is None:
        abort(404)
    return assembly, pool


def _render_form(assembly: Assembly, pool: SortitionPool, form: VolunteerForm, status: int = 200) -> Response:
    body = render_template(
        "assemblies/sortition/volunteer.html",
        assembly=assembly,
        pool=pool,
        form=form,
        retention_days=int(current_app.config["IP_RETENTION_DAYS"]),  # when personal_data erases them
    )
    return public_page(Response(body, status, mimetype="text/html"))


@csrf.exempt
def volunteer(slug: str) -> Response:
    """The form: the pool's questions and the consent card; a pending volunteer and an e-mail."""
    assembly, pool = _public_pool(slug)
    form = volunteer_form_class(pool)()
    if not pool.volunteering_open:
        return _render_form(assembly, pool, form, 409 if request.method == "POST" else 200)
    if request.method == "GET" or not form.validate():
        return _render_form(assembly, pool, form)
    ip = request.remote_addr or ""
    if limits.over_public_limit(ip) or limits.over_action_limit(f"sortition-{pool.id}", ip):
        abort(429)
    if not is_bot(form):
        volunteers.volunteer(pool, {**form.data, "features": form.features()}, ip=ip)
        db.session.commit()
    body = render_template("assemblies/sortition/check_email.html", assembly=assembly, email=form.email.data)
    return _private(body)


@csrf.exempt
def confirm(slug: str, token: str) -> Any:
    """GET shows a button (mail scanners follow links); POST puts the volunteer in the pool."""
    assembly, pool = _public_pool(slug)
    found = volunteers.volunteer_for_confirmation(token)

    def confirmed() -> Response:
        volunteers.confirm(found)
        db.session.commit()
        return _private(render_template("assemblies/sortition/confirmed.html", assembly=assembly))

    return confirmation_page(
        found is not None and found.pool_id == pool.id,
        bad_link=lambda: _private(render_template("assemblies/bad_link.html", assembly=assembly)),
        show=lambda: _private(
            render_template("assemblies/sortition/confirm.html", assembly=assembly, volunteer=found)
        ),
        confirm=confirmed,
    )


@csrf.exempt  # the link itself is the secret, and the page has no session for a token
def invitation(slug: str, token: str) -> Response:
    """Someone drawn accepts their seat (and gets a place) or declines it (it is re-drawn)."""
    assembly, pool = _public_pool(slug)
    found = invitations.volunteer_for_invitation(token)
    if found is None or found.pool_id != pool.id:
        return _private(render_template("assemblies/bad_link.html", assembly=assembly), 404)
    notice = ""
    if request.method == "POST":
        answer = request.form.get("answer")
        if answer == "accept":
            invitations.accept(found)
            notice = _("Thank you: your seat is confirmed. We have e-mailed you the details.")
        elif answer == "decline":
            invitations.decline(found)
            notice = _("Thank you for letting us know. Your seat will be offered to someone else.")
        db.session.commit()
    body = render_template(
        "assemblies/sortition/invitation.html", assembly=assembly, volunteer=found, notice=notice
    )
    return _private(body)


def verification(slug: str) -> Response:
    """The distribution's fingerprint, the seed once revealed, the procedure, the pseudonyms drawn."""
    assembly, pool = _public_pool(slug)
    body = render_template(
        "assemblies/sortition/verification.html",
        assembly=assembly,
        pool=pool,
        published=draws.published(pool),
    )
    return public_page(Response(body, mimetype="text/html"))


def distribution(slug: str, run_id: int) -> Response:
    """The published distribution (pseudonyms only), byte for byte what its SHA-256 names."""
    _assembly, pool = _public_pool(slug)
    run = db.session.get(SelectionRun, run_id)
    if run is None or run.pool_id != pool.id or draws.draw_of(run) is None:
        abort(404)
    found = selection.distribution_of(run)
    assert found is not None
    response = Response(solver.canonical_json(found), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="distribution-{run.id}.json"'
    return public_page(response)
