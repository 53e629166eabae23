"""The one route table of demands: every URL, its endpoint and the view that answers it."""

from __future__ import annotations

from flask import Blueprint

from organiser.assemblies.demands.views import manage, public

bp = Blueprint("demands", __name__)

_DEMAND = "/assemblies/<slug>/demands/<int:demand_id>"
ROUTES = (
    ("/assemblies/<slug>/vote/<token>", "vote", public.vote, ("GET", "POST")),
    ("/assemblies/<slug>/demands", "manage", manage.manage, ("GET", "POST")),
    (f"{_DEMAND}/edit", "edit", manage.edit, ("GET", "POST")),
    (f"{_DEMAND}/remove", "remove", manage.remove, ("POST",)),
    (f"{_DEMAND}/up", "move_up", manage.move_up, ("POST",)),
    (f"{_DEMAND}/down", "move_down", manage.move_down, ("POST",)),
    (f"{_DEMAND}/consensus", "consensus", manage.consensus, ("POST",)),
    (f"{_DEMAND}/launch", "launch", manage.launch, ("POST",)),
    (f"{_DEMAND}/outcome", "outcome", manage.outcome, ("GET", "POST")),
    ("/assemblies/<slug>/demands/vote/open", "open_vote", manage.open_vote, ("POST",)),
    ("/assemblies/<slug>/demands/vote/close", "close_vote", manage.close_vote, ("POST",)),
    ("/assemblies/<slug>/demands/kiosk/open", "open_kiosk", manage.open_kiosk, ("POST",)),
    ("/assemblies/<slug>/demands/kiosk", "kiosk", manage.kiosk, ("GET", "POST")),
    ("/assemblies/<slug>/demands/kiosk/<token>", "kiosk_vote", manage.kiosk_vote, ("POST",)),
)

for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
