"""What every template can use: the language switch, country names, the current user's roles."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, current_app, request, url_for
from flask_babel import format_decimal, get_locale

LANGUAGE_NAMES = {"en": "English", "es": "Español"}  # each in its own language, as switches show them


def lang_url(code: str) -> str:
    """The current page in another language."""
    # The route's own arguments win over a query parameter of the same name (``?slug=…``); the query
    # is carried as it came, never handed to ``url_for`` as arguments (it reads ``_method``,
    # ``_scheme``, ``_external``… and ``endpoint`` as instructions).
    path = url_for(request.endpoint or "coalitions.index", **(request.view_args or {}))
    view_args = request.view_args or {}
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang" and k not in view_args]
    return f"{path}?{urlencode([*query, ('lang', code)])}"


def country_name(code: str | None) -> str:
    if not code:
        return ""
    locale = get_locale() or Locale("en")
    return locale.territories.get(code.upper(), code.upper())


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["format_number"] = lambda n: format_decimal(n or 0)

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        locale = get_locale()
        return {
            "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in app.config["LANGUAGES"]],
            "current_language": str(locale.language if locale else "en"),
            "lang_url": lang_url,
            "country_name": country_name,
            "mail_is_local": app.config["MAIL_BACKEND"] == "local",
        }


# ---- pages rendered once, with holes ------------------------------------------------------------

_HOLE = "\ue000{}\ue000"  # a private-use character: nothing a template writes, never escaped
_rendered: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_RENDERED_MAX = 512
_rendered_lock = threading.Lock()


def render_with_holes(template: str, key: tuple[Any, ...], holes: dict[str, str], **context: Any) -> str:
    """``render_template(template, **context, **holes)``, rendered once per ``key`` (plus the
    template and the language) and then filled in: for pages a surge renders thousands of times
    that differ only by a value or two (a signer's address, name or link).

    ``key`` must name everything else the page depends on. Only for anonymous visitors with no
    flashed messages: the site header shows who is signed in. Values are escaped for HTML
    templates, as Jinja would."""
    from flask import render_template
    from markupsafe import escape

    full_key = (id(current_app._get_current_object()), template, str(get_locale()), *key)
    page = _rendered.get(full_key)
    if page is None:
        page = render_template(template, **context, **{name: _HOLE.format(name) for name in holes})
        with _rendered_lock:
            _rendered[full_key] = page
            if len(_rendered) > _RENDERED_MAX:
                _rendered.popitem(last=False)
    html = template.endswith(".html")
    for name, value in holes.items():
        page = page.replace(_HOLE.format(name), str(escape(value)) if html else value)
    return page
