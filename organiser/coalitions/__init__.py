"""Coalitions, chapters, organisations and memberships."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages; coalitions and organisations as role scopes; everyone who agreed to hear from a
    coalition as a mailing segment; and whose each mailing is."""
    from organiser.coalitions import services
    from organiser.coalitions.blueprint import bp
    from organiser.coalitions.forms import MEMBERSHIP_STATUS_LABELS
    from organiser.core.scopes import register_scope
    from organiser.messaging.owners import set_owner_policy
    from organiser.messaging.services.audiences import register_segment

    app.register_blueprint(bp)
    app.add_template_global(MEMBERSHIP_STATUS_LABELS, "membership_labels")
    for scope in services.SCOPES:
        register_scope(scope)
    register_segment(services.SUPPORTERS)
    set_owner_policy(services.MAILING_OWNERS)
