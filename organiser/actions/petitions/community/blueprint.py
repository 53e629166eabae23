"""The one route table of petitions started by supporters: every URL, its endpoint and its view."""

from __future__ import annotations

from flask import Blueprint

from organiser.actions.petitions.community.views import manage, own, public

bp = Blueprint("community", __name__)

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
ROUTES = (
    # anyone: the start form, the published standards, the creator's and the supporters' links
    ("/coalitions/<slug>/start-a-petition", "start", public.start, BOTH),
    ("/community/standards", "standards", public.standards, GET),
    ("/community/confirm/<token>", "confirm_start", public.confirm_start, BOTH),
    ("/community/support/<token>", "support", public.support, BOTH),
    ("/community/support/confirm/<token>", "confirm_support", public.confirm_support, BOTH),
    # the creator's own page (its link is the key)
    ("/community/petition/<token>", "own_page", own.own_page, GET),
    ("/community/petition/<token>/edit", "edit", own.edit, BOTH),
    ("/community/petition/<token>/updates", "updates", own.updates, BOTH),
    ("/community/petition/<token>/close", "close", own.close, POST),
    # coordinators
    ("/coalitions/<slug>/community-petitions", "queue", manage.queue, BOTH),
    ("/petitions/<slug>/review", "review", manage.review, GET),
    ("/petitions/<slug>/review/approve", "approve", manage.approve, POST),
    ("/petitions/<slug>/review/reject", "reject", manage.reject, POST),
    ("/petitions/<slug>/review/adopt", "adopt", manage.adopt, POST),
    ("/petitions/<slug>/updates/<int:update_id>/approve", "approve_update", manage.approve_update, POST),
    ("/petitions/<slug>/updates/<int:update_id>/reject", "reject_update", manage.reject_update, POST),
)

for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
