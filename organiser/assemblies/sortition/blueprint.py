"""The one route table of selection by lot: every URL, its endpoint and the view that answers it."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from organiser.assemblies.sortition.views import manage, public

bp = Blueprint("sortition", __name__)


@bp.after_request
def _private(response: Response) -> Response:
    """The organisers' pages hold people's data: never cached (public pages say so themselves)."""
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private, no-store"
    return response


_GET, _POST, _BOTH = ("GET",), ("POST",), ("GET", "POST")
_LOT = "/assemblies/<slug>/sortition"
_RUN = f"{_LOT}/runs/<int:run_id>"
ROUTES = (
    ("/assemblies/<slug>/volunteer", "volunteer", public.volunteer, _BOTH),
    ("/assemblies/<slug>/volunteer/<token>", "confirm", public.confirm, _BOTH),
    ("/assemblies/<slug>/seat/<token>", "invitation", public.invitation, _BOTH),
    ("/assemblies/<slug>/selection", "verification", public.verification, _GET),
    ("/assemblies/<slug>/selection/<int:run_id>.json", "distribution", public.distribution, _GET),
    (_LOT, "overview", manage.overview, _BOTH),
    (f"{_LOT}/quotas", "quotas", manage.quotas, _BOTH),
    (f"{_LOT}/quotas.csv", "quotas_csv", manage.quotas_csv, _GET),
    (f"{_LOT}/import", "import_pool", manage.import_pool, _BOTH),
    (f"{_LOT}/runs", "start_run", manage.start_run, _POST),
    (_RUN, "run", manage.run, _GET),
    (f"{_RUN}/seed", "commit_seed", manage.commit_seed, _POST),
    (f"{_RUN}/reveal", "reveal", manage.reveal, _POST),
    (f"{_LOT}/invite", "invite", manage.invite, _POST),
)

for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
