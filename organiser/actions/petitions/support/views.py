"""``/petitions/<slug>/support.json``: the figures behind the petition page's "Where support comes from"."""

from __future__ import annotations

import json

from flask import Blueprint
from werkzeug.wrappers import Response

from organiser.actions.petitions.support.tally import as_json, support_of
from organiser.actions.petitions.views.public import public_petition
from organiser.web.microcache import public_page

bp = Blueprint("support", __name__)


@bp.get("/petitions/<slug>/support.json")
def support_json(slug: str) -> Response:
    """The petition's signatures by area (areas and counts only), cacheable like the petition page."""
    petition = public_petition(slug)
    body = json.dumps(as_json(petition, support_of(petition)), ensure_ascii=False)
    return public_page(Response(body, mimetype="application/json"))
