"""Extensions are created here once and bound to the app in ``create_app``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
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
# trip (organiser/actions/abuse.py, intake.py) and the reads are cached.
UNLIMITED_ENDPOINTS = frozenset({"petitions.sign", "petitions.petition", "petitions.count"})


def skip_limiter_on_unlimited_endpoints(app: Any) -> None:
    """Even for an exempt endpoint Flask-Limiter looks the request up in its registry before and
    after it (a twentieth of a sign request): for the surge's endpoints its hooks are skipped."""

    def unless_unlimited(hook: Callable[..., Any]) -> Callable[..., Any]:
        def run(*response: Any) -> Any:
            if request.endpoint in UNLIMITED_ENDPOINTS:
                return response[0] if response else None
            return hook(*response)

        return run

    for hooks in (app.before_request_funcs.get(None, []), app.after_request_funcs.get(None, [])):
        for index, hook in enumerate(hooks):
            bound_to = getattr(hook, "__self__", None) or (getattr(hook, "args", None) or (None,))[0]
            if bound_to is limiter:
                hooks[index] = unless_unlimited(hook)


class LeanSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus the work for requests that carry no session cookie
    (nearly all of a surge's): an empty session without building the cookie's serializer, and
    nothing to save unless something was put in it. Same cookies, same behaviour."""

    def open_session(self, app: Any, request: Any) -> Any:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Any, session: Any, response: Any) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def may_be_signed_in() -> bool:
    """Whether the request carries a session or remember-me cookie: without one, no one is signed
    in and nothing was flashed, and asking would open an empty session for nothing (hot paths).
    Worked out once per request."""
    environ = request.environ
    known = environ.get("organiser.may_be_signed_in")
    if known is None:
        cookies, config = request.cookies, current_app.config
        known = environ["organiser.may_be_signed_in"] = bool(
            cookies.get(config.get("SESSION_COOKIE_NAME", "session"))
            or cookies.get(config.get("REMEMBER_COOKIE_NAME", "remember_token"))
        )
    return known


def select_locale() -> str | None:
    """?lang= on the URL, then the lang cookie, then the signed-in user's choice, then the browser."""
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
