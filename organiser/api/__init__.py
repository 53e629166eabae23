"""The JSON API, OSDI-shaped (to come): a face on the services, imported by nothing."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing yet."""
    from organiser.api import webhooks

    webhooks.init_app(app)
