"""The route table of the days around an assembly (organisers only)."""

from __future__ import annotations

from flask import Blueprint

from organiser.assemblies.dayof import views

bp = Blueprint("dayof", __name__)

ROUTES = (
    ("/assemblies/<slug>/reminders", "reminders", views.reminders_page, ("GET", "POST")),
    ("/assemblies/<slug>/check-in", "desk", views.desk, ("GET", "POST")),
    ("/assemblies/<slug>/check-in/walk-in", "walk_in", views.walk_in, ("POST",)),
    ("/assemblies/<slug>/check-in/<code>", "check_in_code", views.check_in_code, ("GET", "POST")),
    ("/assemblies/<slug>/attendance", "board", views.board, ("GET",)),
)

for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
