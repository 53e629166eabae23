"""Organiser: campaign and coalition organising for alliances against inequality."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from organiser.config import PROJECT_ROOT, Settings

__version__ = "0.1.0"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with ``config`` overriding it (tests, tools)."""
    settings = Settings.from_env()
    settings.values.update(config or {})
    settings.validate()

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
        instance_path=settings.values["INSTANCE_PATH"],
    )
    app.config.update(settings.values)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]
    from organiser import deployment
    from organiser.web.microcache import PublicMicrocache

    app.wsgi_app = PublicMicrocache(app.wsgi_app, app.config)  # type: ignore[method-assign]
    deployment.init_app(app)  # outermost: with the development key, answer this computer only
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        (PROJECT_ROOT / "instance").mkdir(exist_ok=True)
        _ensure_sqlite_dir(app.config["SQLALCHEMY_DATABASE_URI"])

    from organiser.web import inputs

    inputs.init_app(app)  # before the blueprints: their routes use its converters
    _init_extensions(app)
    _init_packages(app)
    _register_security_headers(app)
    from organiser.web import compression

    compression.init_app(app)  # gzip for clients that take it
    from organiser.web.errors import register_error_handlers

    register_error_handlers(app)
    from organiser.cli import register_commands

    register_commands(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app


def _ensure_sqlite_dir(uri: str) -> None:
    from pathlib import Path

    path = uri.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _init_extensions(app: Flask) -> None:
    from organiser.core.models import User
    from organiser.db import db
    from organiser.extensions import (
        LeanSessionInterface,
        babel,
        csrf,
        limiter,
        login_manager,
        mail,
        select_locale,
        skip_limiter_on_unlimited_endpoints,
    )

    db.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    skip_limiter_on_unlimited_endpoints(app)
    app.session_interface = LeanSessionInterface()
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    login_manager.init_app(app)
    login_manager.login_view = "core.sign_in"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Sign in to see this page.")

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        user_id, _sep, version = session_id.partition(".")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or str(user.auth_version) != version:
            return None
        return user

    from organiser.web.templating import register_template_helpers

    register_template_helpers(app)


# Each package registers itself (its blueprint, segments, scopes, personal data, sweeps), lowest
# layer first: core and people, messaging, coalitions, privacy, then the actions and assemblies, and
# over them all the public face (the hub), the supporters' pages and the coordinators' desk.
PACKAGES = (
    "organiser.core",
    "organiser.people",
    "organiser.messaging",
    "organiser.coalitions",
    "organiser.privacy",
    "organiser.actions",
    "organiser.assemblies",
    "organiser.hub",
    "organiser.supporters",
    "organiser.desk",
    "organiser.api",
)


def _init_packages(app: Flask) -> None:
    import importlib

    for name in PACKAGES:
        importlib.import_module(name).init_app(app)


def _register_security_headers(app: Flask) -> None:
    always = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    unframed = [("Content-Security-Policy", CSP), ("X-Frame-Options", "DENY"), *always]
    hsts = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

    @app.after_request
    def _headers(response: Any) -> Any:
        h = response.headers
        if g.get("frameable"):  # the embed widget: other sites may frame it, nothing else
            ancestors = app.config["EMBED_FRAME_ANCESTORS"]
            wanted = [
                (
                    "Content-Security-Policy",
                    CSP.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}"),
                ),
                *always,
            ]
        else:
            wanted = unframed
        if app.config["BASE_URL"].startswith("https://"):
            wanted = [*wanted, hsts]
        present = {name.lower() for name in h.keys()}  # a view may have set its own
        for name, value in wanted:
            if name.lower() not in present:
                h.add(name, value)
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"] and request.cookies.get("lang") != lang:
            response.set_cookie(
                "lang",
                lang,
                max_age=365 * 86400,
                samesite="Lax",
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
            )
        if response.cache_control.public and "Set-Cookie" in response.headers:
            # A shared cache must never hand one visitor's cookie to the next.
            response.headers["Cache-Control"] = "private, no-store"
        return response
