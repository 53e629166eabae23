"""The one route table of coalitions: every URL, its endpoint and the view that answers it.
The views live in the modules below, split by audience."""

from __future__ import annotations

from flask import Blueprint

from organiser.coalitions.views import manage, organisations, people_import, public

bp = Blueprint("coalitions", __name__)

_GET, _POST, _FORM = ("GET",), ("POST",), ("GET", "POST")

ROUTES = (
    ("/", "index", public.index, _GET),
    ("/coalitions/<slug>", "show", public.show, _GET),
    ("/coalitions/<slug>/join", "join", public.join, _FORM),
    ("/organisations/<slug>/logo.png", "organisation_logo", public.organisation_logo, _GET),
    ("/coalitions/<slug>/team", "team", manage.team, _FORM),
    ("/coalitions/<slug>/mailings", "mailings", manage.mailings, _GET),
    ("/coalitions/<slug>/mailings/new", "new_mailing", manage.new_mailing, _FORM),
    ("/coalitions/<slug>/members", "members", manage.members, _GET),
    ("/memberships/<int:membership_id>/approve", "approve", manage.approve, _POST),
    ("/memberships/<int:membership_id>/decline", "decline", manage.decline, _POST),
    ("/memberships/<int:membership_id>/status", "change_status", manage.change_status, _POST),
    ("/coalitions/<slug>/members.csv", "export_members", manage.export_members, _GET),
    ("/coalitions/<slug>/members/import", "import_members", manage.import_members, _FORM),
    ("/coalitions/<slug>/supporters/import", "import_people", people_import.import_people, _FORM),
    (
        "/coalitions/<slug>/supporters/imports/<int:import_id>/columns",
        "people_import_columns",
        people_import.people_import_columns,
        _FORM,
    ),
    (
        "/coalitions/<slug>/supporters/imports/<int:import_id>/consent",
        "people_import_consent",
        people_import.people_import_consent,
        _FORM,
    ),
    (
        "/coalitions/<slug>/supporters/imports/<int:import_id>",
        "people_import",
        people_import.import_result,
        _GET,
    ),
    ("/organisations/<slug>/edit", "edit_organisation", organisations.edit_organisation, _FORM),
    ("/organisations/<slug>/team", "organisation_team", organisations.organisation_team, _FORM),
    ("/memberships/<int:membership_id>/leave", "leave", organisations.leave, _POST),
    (
        "/memberships/<int:membership_id>/organisation/confirm",
        "confirm_for_organisation",
        organisations.confirm_for_organisation,
        _POST,
    ),
    (
        "/memberships/<int:membership_id>/organisation/refuse",
        "refuse_for_organisation",
        organisations.refuse_for_organisation,
        _POST,
    ),
)

for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
