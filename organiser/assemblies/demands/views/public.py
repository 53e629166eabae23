"""The vote page each voter's e-mailed link opens: GET shows the demands and the ballot (a mail
scanner's visit changes nothing), POST records the choices, once per demand; after the close, the
results. No session, so no CSRF token: the link is the key, and the page is never cached."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from organiser.assemblies import services as assemblies
from organiser.assemblies.demands import services
from organiser.assemblies.demands.forms import ballot_form
from organiser.assemblies.demands.views.ballot import choices_of
from organiser.assemblies.models import Assembly, Registration
from organiser.db import db
from organiser.extensions import csrf
from organiser.web.permissions import public_or_404


def _private(body: str, status: int = 200) -> Response:
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page(
    assembly: Assembly, registration: Registration, ballot: object, notice: str = "", status: int = 200
) -> Response:
    state = services.state_of(services.voting_of(assembly))
    body = render_template(
        "assemblies/demands/vote.html",
        assembly=assembly,
        registration=registration,
        demands=services.demands_of(assembly),
        ballot=ballot,
        state=state,
        may_vote=services.may_vote(registration),
        voted=services.votes_of(registration),
        results=services.results(assembly) if state == "closed" else {},
        notice=notice,
    )
    return _private(body, status)


def _recorded(count: int) -> str:
    if count:
        return _("Thank you: your vote is recorded.")
    return _("Your vote was recorded already: it stays as it was.")


@csrf.exempt  # the link itself is the secret, and the page has no session for a token
def vote(slug: str, token: str) -> Response:
    """A voter's own ballot: for, against or abstain on each demand, once."""
    assembly = public_or_404(assemblies.by_slug(slug))
    registration = services.registration_for_vote(token)
    if registration is None or registration.assembly_id != assembly.id:
        return _private(render_template("assemblies/bad_link.html", assembly=assembly), 404)
    ballot = ballot_form([d.id for d in services.demands_of(assembly)], public=True)
    if request.method != "POST" or not ballot.validate():
        return _page(assembly, registration, ballot)
    try:
        recorded = services.cast(registration, choices_of(ballot))
    except services.VotingStateError as error:
        db.session.rollback()
        return _page(assembly, registration, ballot, str(error), 409)
    db.session.commit()
    return _page(assembly, registration, ballot, _recorded(recorded))
