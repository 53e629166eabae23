"""The JSON API, OSDI-shaped: a face on the services, imported by nothing.

``framework`` holds what every request shares (the key, the rate limit, HAL+JSON, JSON errors),
``registry`` the collections the routes, the entry point and the OpenAPI document are built from,
``collections`` the reads, ``pages`` the keys' pages for coordinators and organisations' admins."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the keys' pages, then the API's blueprint with every registered collection."""
    from organiser.api import collections, framework, pages, views, writes  # noqa: F401 (collections register)
    from organiser.api.commands import create_api_key

    app.cli.add_command(create_api_key)
    framework.init_app(app)
    pages.init_app(app)
    from organiser.api import webhooks

    webhooks.init_app(app)  # before the API's blueprint is registered (the next line)
    writes.init_app()  # the writes' routes too
    views.register_routes(app)
