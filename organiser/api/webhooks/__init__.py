"""Webhooks: a coalition's coordinators or an organisation's admins register HTTPS addresses that are
sent, signed, each new confirmed signature, letter or registration (and each unsubscribe) they could
see in the pages. See ``delivery`` for how it stays off the hot path and survives a crash."""

from __future__ import annotations

import logging

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
    if app.config.get("WEBHOOKS_ALLOW_PRIVATE") and not app.config.get("EMBEDDED") and not app.testing:
        logging.getLogger(__name__).warning(
            "ORGANISER_WEBHOOKS_ALLOW_PRIVATE is on: webhooks may be sent to this network's own "
            "addresses and over plain http. Development and tests only."
        )
