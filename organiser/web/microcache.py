"""A second's memory of public pages, in each web process, in front of Flask.

When tens of thousands reload a petition's count at once (as the UK Parliament's petitions site saw
in 2019), each web process answers them from memory and the database sees one read a second, not
thousands. What is kept: a ``GET`` answered ``200`` with ``Cache-Control: public`` and no cookie set
(the views mark their anonymous pages so; ``organiser/__init__.py`` takes ``public`` off any
response that sets a cookie), for ``PUBLIC_MICROCACHE_SECONDS``. It is answered again for the same
path and query, language cookie, ``Accept-Language`` and whether the client takes gzip — what
such a page may vary by (``organiser.web.compression``: the compressed copy is made once) — to
requests without a session or remember-me cookie (signed-in people, and anyone with a message
waiting, always reach the app). A hit costs no Flask request at all, so a storm of readers leaves
the processor to the people signing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_cookie

from organiser.web.compression import accepts_gzip

_pages: dict[tuple[Any, ...], tuple[float, str, list[tuple[str, str]], bytes]] = {}
_MAX_PAGES = 2048


class PublicMicrocache:
    def __init__(self, app: Callable[..., Iterable[bytes]], config: dict[str, Any]) -> None:
        self.app, self.config = app, config

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seconds = float(self.config["PUBLIC_MICROCACHE_SECONDS"])
        if seconds <= 0 or environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        cookies = parse_cookie(environ)
        if cookies.get(self.config["SESSION_COOKIE_NAME"]) or cookies.get(
            self.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        ):
            return self.app(environ, start_response)
        key = (
            id(self),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            cookies.get("lang", ""),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
            accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")),
        )
        now = time.monotonic()
        hit = _pages.get(key)
        if hit is not None and hit[0] > now:
            start_response(hit[1], list(hit[2]))
            return [hit[3]]
        answer: dict[str, Any] = {}

        def keep_answer(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.app(environ, keep_answer)
        if not _shareable(answer):
            return body
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        if len(_pages) >= _MAX_PAGES:
            _pages.clear()
        _pages[key] = (now + seconds, answer["status"], list(answer["headers"]), data)
        return [data]


def _shareable(answer: dict[str, Any]) -> bool:
    if not str(answer.get("status", "")).startswith("200 "):
        return False
    names = {name.lower(): value for name, value in answer.get("headers", [])}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")


def forget_pages() -> None:
    """Empty this process's memory (for tests that turn it on)."""
    _pages.clear()


def public_page(response: Any) -> Any:
    """Mark a public page: anonymous visitors all get the same one, so shared caches (and this
    module) may keep it for ``PUBLIC_CACHE_SECONDS``. Signed-in people see their controls, which no
    cache may keep. (A response that sets a cookie is never public: organiser/__init__.py takes
    ``public`` off it.)"""
    from flask import current_app, session
    from flask_login import current_user

    if current_user.is_authenticated or session.modified:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers["Cache-Control"] = f"public, max-age={current_app.config['PUBLIC_CACHE_SECONDS']}"
    response.vary.update(("Cookie", "Accept-Language"))  # the language comes from either
    return response
