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
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages)


__all__ = ["db", "login_manager", "mail", "csrf", "babel", "limiter", "select_locale"]
