"""Error pages that say what happened and what to do, in the reader's language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from organiser.db import db

log = logging.getLogger(__name__)


_own_pages: dict[tuple[int, str], Callable[[], str]] = {}
_own_renderers: dict[str, Callable[[Exception, int], Any]] = {}


def register_error_page(code: int, endpoint: str, render: Callable[[], str]) -> None:
    """Answer ``code`` on ``endpoint`` with the package's own page instead of the plain one."""
    _own_pages[(code, endpoint)] = render


def register_error_renderer(prefix: str, render: Callable[[Exception, int], Any]) -> None:
    """Answer every error under the path ``prefix`` (the JSON API's) with ``render(error, status)``:
    never an HTML page there, not even for an address no route matches."""
    _own_renderers[prefix] = render


def _renderer() -> Callable[[Exception, int], Any] | None:
    return next((r for prefix, r in _own_renderers.items() if request.path.startswith(prefix)), None)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Any:
        if (render := _renderer()) is not None:
            return render(error, 400)
        return render_template(
            "errors/error.html",
            title=_("This form has expired"),
            message=_("Go back, reload the page and send the form again. Nothing was changed."),
        ), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        code = error.code or 500
        if (render := _renderer()) is not None:
            return render(error, code)
        own = _own_pages.get((code, request.endpoint or ""))
        if own is not None:  # a page of the package's own, such as the sign-in form with the reason
            return own(), code
        messages = {
            403: (
                _("You do not have access to this page"),
                _(
                    "Your account does not have a role that allows this. "
                    "Ask a coordinator if you think it should."
                ),
            ),
            404: (_("Page not found"), _("Check the address, or start again from the home page.")),
            405: (_("That did not work"), _("This page cannot be used that way.")),
            413: (_("The file is too large"), _("Send a file of at most 5 MB. Nothing was saved.")),
            429: (_("Too many attempts"), _("Wait a minute, then try again.")),
        }
        title, message = messages.get(code, (_("Something went wrong"), _("Try again in a moment.")))
        return render_template("errors/error.html", title=title, message=message), code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        log.exception("unhandled error")
        db.session.rollback()
        if (render := _renderer()) is not None:
            return render(error, 500)
        return render_template(
            "errors/error.html",
            title=_("Something went wrong"),
            message=_("We could not finish that. Nothing you sent is lost: try again in a moment."),
        ), 500
