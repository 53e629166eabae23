"""The one route table of the webhooks pages: each under a coalition and under an organisation."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from organiser.api.webhooks import views

bp = Blueprint("webhooks", __name__)


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"  # secrets and deliveries, for signed-in staff
    return response


_GET_POST, _POST = ("GET", "POST"), ("POST",)
ROUTES = (
    ("/webhooks", "index", views.index, _GET_POST),
    ("/webhooks/<int:webhook_id>", "show", views.show, _GET_POST),
    ("/webhooks/<int:webhook_id>/test", "test", views.send_test, _POST),
    ("/webhooks/<int:webhook_id>/enabled", "enabled", views.toggle, _POST),
    ("/webhooks/<int:webhook_id>/delete", "delete", views.remove, _POST),
)

for _owner in views.OWNERS:
    for _rule, _name, _view, _methods in ROUTES:
        bp.add_url_rule(
            f"/{_owner}s/<slug>{_rule}",
            f"{_owner}_{_name}",
            _view,
            methods=list(_methods),
            defaults={"owner_type": _owner},
        )
