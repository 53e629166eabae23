"""The API's blueprint and what every request under /api/v1/ shares: the key (the ``OSDI-API-Token``
header, never a session or a cookie), the per-key rate limit, HAL+JSON answers with
``Cache-Control: no-store``, and errors that are always JSON with a status that means what it says."""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, current_app, g, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from limits import parse_many
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from organiser.api.keys import key_for_token, note_use
from organiser.api.scope import ApiScope, scope_of
from organiser.db import db

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
HAL = "application/hal+json"
TOKEN_HEADER = "OSDI-API-Token"  # noqa: S105 (a header's name)
OSDI_VERSION = "1.1"
CURIE = "https://opensupporter.github.io/osdi-docs/{rel}"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGE = 1_000_000  # beyond it a page would be empty anyway; keeps the offset a sane number
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one names nothing
# Answered without a key: the description of the API itself.
OPEN_ENDPOINTS = {"api.openapi"}

bp = Blueprint("api", __name__, url_prefix=PREFIX)

REASONS = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "unprocessable",
    429: "too_many_requests",
    500: "server_error",
}


class ApiError(HTTPException):
    """An answer other than success: its status, a message, and the fields in error by name."""

    def __init__(
        self,
        code: int,
        message: str,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or {}
        self.extra_headers = headers or {}


def hal(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=HAL)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _default_message(code: int) -> str:
    return {
        401: _("Send a valid API key in the %(header)s header.", header=TOKEN_HEADER),
        403: _("This key may not see that."),
        404: _("Nothing is there."),
        405: _("That method is not allowed here."),
        429: _("Too many requests for this key: wait, then try again."),
        500: _("Something went wrong on our side; try again in a moment."),
    }.get(code, _("The request could not be answered."))


def error_response(error: Exception, code: int) -> Response:
    """Every error under /api/ (the app's error handlers call this): JSON, with its status."""
    if isinstance(error, ApiError):
        body: dict[str, Any] = {"status": code, "error": REASONS.get(code, "error"), "message": error.message}
        if error.errors:
            body["errors"] = error.errors
        return hal(body, code, error.extra_headers)
    headers = {}
    if isinstance(error, HTTPException) and code == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    body = {"status": code, "error": REASONS.get(code, "error"), "message": _default_message(code)}
    return hal(body, code, headers)


# ---- every request: the key, its scope and its rate limit ------------------------------------------


@bp.before_request
def _authenticate() -> None:
    from organiser.extensions import login_manager

    g._login_user = login_manager.anonymous_user()  # a browser's session is not a key: never load its user
    if request.endpoint in OPEN_ENDPOINTS:
        return
    token = request.headers.get(TOKEN_HEADER, "").strip()
    key = key_for_token(token) if token else None
    if key is None:
        raise ApiError(401, _default_message(401), headers={"WWW-Authenticate": TOKEN_HEADER})
    _check_rate_limit(key.id)
    g.api_scope = scope_of(key)
    if note_use(key):
        db.session.commit()


def _check_rate_limit(key_id: int) -> None:
    """Each key's requests are counted in the limiter's storage (Redis in production) against
    ``API_RATE_LIMIT``; over it, a 429 saying how long to wait."""
    from organiser.extensions import limiter

    strategy = limiter.limiter
    for item in parse_many(current_app.config["API_RATE_LIMIT"]):
        if not strategy.hit(item, "organiser-api", str(key_id)):
            reset = strategy.get_window_stats(item, "organiser-api", str(key_id)).reset_time
            wait = max(1, math.ceil(reset - _now()))
            log.info("API key %s over its rate limit %s", key_id, item)
            raise ApiError(429, _default_message(429), headers={"Retry-After": str(wait)})


def _now() -> float:
    import time

    return time.time()


@bp.after_request
def _no_session(response: Response) -> Response:
    # The API keeps no session: nothing is saved and no cookie is set, whatever the client sent.
    request_ctx._session = current_app.session_interface.make_null_session(current_app)
    response.headers["Cache-Control"] = "no-store"
    return response


def current_scope() -> ApiScope:
    return g.api_scope


# ---- paging -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int
    after: int | None = None  # the keyset cursor the ``next`` links carry: the last id of the page before

    @property
    def offset(self) -> int:
        return 0 if self.after is not None else (self.page - 1) * self.per_page

    def total_pages(self, total: int) -> int:
        return max(1, math.ceil(total / self.per_page))


def _whole_number(name: str, default: int, lowest: int, highest: int, errors: dict[str, list[str]]) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not lowest <= int(raw) <= highest:
        errors[name] = [_("A whole number from %(low)s to %(high)s.", low=lowest, high=highest)]
        return default
    return int(raw)


# A collection's parameters. ``after`` is how its ``next`` links page: the rows after that id, found
# through the index (a deep page costs what the first does), where ``page`` alone would count past the
# rows before it. A client that builds its own addresses may use ``page`` alone.
PAGING_PARAMETERS = ("page", "per_page", "filter", "after")


def refuse_unknown_parameters(known: tuple[str, ...] = ()) -> None:
    """A parameter this address does not take is a 400 naming it (a typo such as ``perpage`` would
    otherwise silently give the default)."""
    unknown = sorted(name for name in request.args if name not in known)
    if unknown:
        message = _("This address takes no such parameter.")
        raise ApiError(400, _("Some parameters are not known here."), {name: [message] for name in unknown})


def paging() -> Paging:
    """The page asked for (``page``, ``per_page``); a bad value is a 400 naming the parameter."""
    refuse_unknown_parameters(PAGING_PARAMETERS)
    errors: dict[str, list[str]] = {}
    page = _whole_number("page", 1, 1, MAX_PAGE, errors)
    per_page = _whole_number("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, errors)
    after = _whole_number("after", 0, 0, MAX_ID, errors) if "after" in request.args else None
    if errors:
        raise ApiError(400, _("Some parameters are not valid."), errors)
    return Paging(page, per_page, after)


def init_app(app: Flask) -> None:
    from organiser.extensions import csrf
    from organiser.web.errors import register_error_renderer

    csrf.exempt(bp)  # a key in a header, never a cookie: nothing for a forged request to ride on
    register_error_renderer("/api/", error_response)
    # Requests per key (the limits' syntax, as ORGANISER_SIGN_RATE_LIMIT): a page of 100 people a
    # request reads 60,000 people a minute.
    app.config.setdefault(
        "API_RATE_LIMIT", os.environ.get("ORGANISER_API_RATE_LIMIT", "600 per minute;20000 per hour")
    )
