"""Webhooks: a coalition's coordinators or an organisation's admins register HTTPS addresses that are
sent, signed, each new confirmed signature, letter or registration (and each unsubscribe) they could
see in the pages. See ``delivery`` for how it stays off the hot path and survives a crash."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages, the link helper for templates, and the sweep that turns new events into deliveries."""
    from organiser.api.webhooks import delivery
    from organiser.api.webhooks.blueprint import bp
    from organiser.api.webhooks.views import webhook_url
    from organiser.jobs import Sweep, register_sweep

    app.register_blueprint(bp)
    app.add_template_global(webhook_url, "webhook_url")
    register_sweep(Sweep("webhooks", delivery.sweep))
