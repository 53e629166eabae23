"""Extensions are created here once and bound to the app in ``create_app``."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf import CSRFProtect

from organiser.db import db

login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

# The surge's endpoints have no Flask-Limiter limits: signing counts its own in one Redis round
# trip (organiser/actions/abuse.py, intake.py) and the reads are cached. Skipping the limiter's
# per-request lookup for them saves about a tenth of a sign request's time.
UNLIMITED_ENDPOINTS = frozenset({"actions.sign", "actions.petition", "actions.count"})


@limiter.request_filter
def _unlimited() -> bool:
    return request.endpoint in UNLIMITED_ENDPOINTS


def may_be_signed_in() -> bool:
    """Whether the request carries a session or remember-me cookie: without one, no one is signed
    in and nothing was flashed, and asking would open an empty session for nothing (hot paths)."""
    from flask import current_app

    cookies = request.cookies
    return bool(
        cookies.get(current_app.config.get("SESSION_COOKIE_NAME", "session"))
        or cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    )


def select_locale() -> str | None:
    """?lang= on the URL, then the lang cookie, then the signed-in user's choice, then the browser."""
    from flask import current_app
    from flask_login import current_user

    if not has_request_context():  # a job or a command: the default, unless forced by the caller
        return None
    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in languages:
            return candidate
    if (
        may_be_signed_in()
        and current_user
        and current_user.is_authenticated
        and current_user.locale in languages
    ):
        return current_user.locale
    return request.accept_languages.best_match(languages)


__all__ = ["db", "login_manager", "mail", "csrf", "babel", "limiter", "select_locale"]
