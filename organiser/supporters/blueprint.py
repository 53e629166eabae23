"""The one route table of the supporters' pages: every URL, its endpoint and the view that answers it."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from organiser.supporters import person_views, views

bp = Blueprint("supporters", __name__)


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"  # people's data, for signed-in staff only
    return response


_GET, _POST = ("GET",), ("POST",)
ROUTES = (
    ("/coalitions/<slug>/supporters", "index", views.index, _GET),
    ("/coalitions/<slug>/supporters.csv", "export", views.export, _GET),
    ("/coalitions/<slug>/supporters/tag", "tag_matching", views.tag_matching, _POST),
    ("/coalitions/<slug>/supporters/segments", "save_segment", views.save, _POST),
    (
        "/coalitions/<slug>/supporters/segments/<int:segment_id>/delete",
        "delete_segment",
        views.remove_segment,
        _POST,
    ),
    ("/coalitions/<slug>/supporters/<int:person_id>", "show_person", person_views.show_person, _GET),
    ("/coalitions/<slug>/supporters/<int:person_id>/notes", "add_note", person_views.add_note, _POST),
    (
        "/coalitions/<slug>/supporters/<int:person_id>/notes/<int:note_id>/delete",
        "delete_note",
        person_views.delete_note,
        _POST,
    ),
    ("/coalitions/<slug>/supporters/<int:person_id>/tags", "tag_person", person_views.tag_person, _POST),
    (
        "/coalitions/<slug>/supporters/<int:person_id>/tags/<int:tag_id>/remove",
        "untag_person",
        person_views.untag_person,
        _POST,
    ),
    ("/coalitions/<slug>/tags", "tags", person_views.tags, ("GET", "POST")),
    ("/coalitions/<slug>/tags/<int:tag_id>/delete", "delete_tag", person_views.delete_tag, _POST),
)
for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
