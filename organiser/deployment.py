"""What keeps the development secret key on this computer, and the key an open demo keeps instead.

The development key (``organiser.config.DEV_SECRET_KEY``) is in the source: anyone who can reach
an app signed with it can forge a session or a data-page token. So while the app runs with it,
every request that does not come from this computer (a loopback address, and no proxy's
forwarding header) is refused with a 403 page that says what to do. ``organiser demo`` on an
address other computers can reach keeps a random key in the instance folder instead
(``secret_key``, readable by its owner only, created once and reused).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from organiser.config import DEV_SECRET_KEY

log = logging.getLogger(__name__)

KEY_FILE = "secret_key"
# A proxy in front adds one of these: the request then came from elsewhere, whatever REMOTE_ADDR says.
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def init_app(app: Flask) -> None:
    """Wrap the whole app (outside the microcache too, so nothing is answered from memory)."""
    app.wsgi_app = LoopbackOnlyWithDevelopmentKey(app.wsgi_app, app)  # type: ignore[method-assign]


def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1 (and ::ffff:127.x); ``localhost`` too, as a host to listen on."""
    if address.strip().lower() == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or (mapped is not None and mapped.is_loopback)


def from_this_computer(environ: dict[str, Any]) -> bool:
    return is_loopback(environ.get("REMOTE_ADDR") or "") and not any(h in environ for h in FORWARDING_HEADERS)


class LoopbackOnlyWithDevelopmentKey:
    """WSGI middleware: with the development key, answer this computer only."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.app.config["SECRET_KEY"] != DEV_SECRET_KEY or from_this_computer(environ):
            return self.wsgi_app(environ, start_response)
        log.warning(
            "refused a request from %s: the development secret key serves this computer only",
            environ.get("REMOTE_ADDR"),
        )
        return self._refusal(environ)(environ, start_response)

    def _refusal(self, environ: dict[str, Any]) -> Response:
        with self.app.request_context(environ) as ctx:
            language = ctx.request.accept_languages.best_match(self.app.config["LANGUAGES"]) or "en"
            with force_locale(language):
                title = _("This Organiser answers only on the computer it runs on")
                message = _(
                    "It runs with the development secret key, which is published with the source "
                    "code: anyone could use it to sign in as anyone. To open it to other computers, "
                    "start it with “organiser demo --host 0.0.0.0”, which keeps a random key in the "
                    "instance folder, or set SECRET_KEY."
                )
        page = (
            f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} – Organiser</title></head>"
            f"<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p></main></body></html>"
        )
        response = Response(page, status=403, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        return response


def instance_secret_key(instance_path: str | Path) -> tuple[str, Path, bool]:
    """The key kept in ``instance/secret_key`` (mode 0600), made the first time: (key, path, created)."""
    path = Path(instance_path) / KEY_FILE
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= 32:
            return key, path, False
        path.unlink()  # empty or cut short (a full disk?): a new one, and everyone signs in again
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key, path, True


def demo_base_url(host: str, port: int) -> str:
    """Where the demo's e-mailed links point: the address it serves, as others would type it. On
    every address (0.0.0.0, ::) that is this machine's host name."""
    import socket

    if host in ("", "0.0.0.0", "::"):  # noqa: S104 (names the wildcard, binds nothing)
        host = socket.gethostname()
    if ":" in host:  # an IPv6 address
        host = f"[{host.strip('[]')}]"
    return f"http://{host}:{port}"


def configure_demo(app: Flask, host: str, port: int) -> list[str]:
    """Fit the app ``create_app`` made to the address the demo serves, before it serves it: the
    links' base address (unless ORGANISER_BASE_URL is set) and, on an address other computers
    can reach, a key of its own (unless SECRET_KEY is set) and real mail (ConfigError without).
    Returns what to tell the person starting it."""
    from organiser.config import check_production

    said = []
    if not os.environ.get("ORGANISER_BASE_URL"):
        # The demo serves plain HTTP: cookies marked Secure would never come back.
        base_url = demo_base_url(host, port)
        app.config.update(BASE_URL=base_url, SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    said.append(f"Links in e-mails point at {app.config['BASE_URL']}/ (ORGANISER_BASE_URL changes that).")
    if is_loopback(host):
        if app.config["SECRET_KEY"] == DEV_SECRET_KEY:
            said.append("Only this computer can open it: it runs with the development secret key.")
        return said
    kept_key = app.config["SECRET_KEY"] == DEV_SECRET_KEY  # else SECRET_KEY came from the environment
    # Checked before anything is written; the development key is about to give way to the kept one.
    check_production(
        {**app.config, "SECRET_KEY": KEY_FILE if kept_key else app.config["SECRET_KEY"]}, public_host=True
    )
    if not kept_key:
        said.append("Secret key: SECRET_KEY, from the environment.")
        return said
    key, path, created = instance_secret_key(app.config["INSTANCE_PATH"])
    app.config["SECRET_KEY"] = key
    said.append(
        f"Secret key: {'a new random key, written to' if created else 'the one kept in'} {path} "
        "(reused at each start; delete the file to sign everyone out)."
    )
    return said
