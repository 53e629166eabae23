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
from organiser.assemblies.demands.models import Demand, Voting
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
    assembly: Assembly,
    registration: Registration,
    ballot: object,
    read: tuple[list[Demand], Voting | None, dict[int, str]],
    notice: str = "",
    status: int = 200,
) -> Response:
    demands, voting, voted = read
    state = services.state_of(voting)
    body = render_template(
        "assemblies/demands/vote.html",
        assembly=assembly,
        registration=registration,
        demands=demands,
        ballot=ballot,
        state=state,
        may_vote=services.may_vote(registration),
        voted=voted,
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
    """A voter's own ballot: for, against or abstain on each demand, once. Each thing is read once:
    the demands, the vote's state, the voter's votes (a surge of voters on the day)."""
    assembly = public_or_404(assemblies.by_slug(slug))
    registration = services.registration_for_vote(token)
    if registration is None or registration.assembly_id != assembly.id:
        return _private(render_template("assemblies/bad_link.html", assembly=assembly), 404)
    demands, voting = services.demands_of(assembly), services.voting_of(assembly)
    voted = services.votes_of(registration)
    ballot = ballot_form([d.id for d in demands], public=True)
    if request.method != "POST" or not ballot.validate():
        return _page(assembly, registration, ballot, (demands, voting, voted))
    choices = {d: c for d, c in choices_of(ballot).items() if d not in voted}
    try:
        recorded = services.cast(registration, choices, demands=demands, voting=voting)
    except services.VotingStateError as error:
        db.session.rollback()
        return _page(assembly, registration, ballot, (demands, voting, voted), str(error), 409)
    db.session.commit()
    if recorded == len(choices):
        voted = voted | choices
    else:  # another request, at the same moment, cast some of them (or a choice was not ours)
        voted = services.votes_of(registration)
    return _page(assembly, registration, ballot, (demands, voting, voted), _recorded(recorded))
