"""Absolute links for e-mails, built from ORGANISER_BASE_URL in a request, a job or the CLI alike."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    return _adapter().build(endpoint, values, force_external=True)


def path_for(endpoint: str, **values: Any) -> str:
    """The path of a page (like ``url_for``), in a request, a job or the CLI alike."""
    return _adapter().build(endpoint, values)


def _adapter() -> Any:
    parts = urlsplit(current_app.config["BASE_URL"])
    return current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
