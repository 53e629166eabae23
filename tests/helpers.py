"""Drive the app as a person would: fetch the page, fill in its form (CSRF token included), send."""

from __future__ import annotations

import re
from email.message import EmailMessage
from html import unescape
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_LINK = re.compile(r"https?://\S+")


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient, url: str, data: dict[str, str], *, follow: bool = False, page: str | None = None
) -> TestResponse:
    """GET ``page`` (default: ``url``), then POST ``data`` with the CSRF token that page carries."""
    form_page = client.get(page or url)
    assert form_page.status_code == 200, form_page.status_code
    return client.post(
        url,
        data={**data, "csrf_token": csrf_token(form_page.get_data(as_text=True))},
        follow_redirects=follow,
    )


def sign_in(client: FlaskClient, email: str, password: str) -> TestResponse:
    return submit(client, "/account/sign-in", {"email": email, "password": password})


def text_of(response: TestResponse) -> str:
    """The page's visible text, tags stripped and white space folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


def links_in(message: EmailMessage) -> list[str]:
    return _LINK.findall(body_of(message))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
