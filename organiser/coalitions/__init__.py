"""Coalitions, chapters, organisations and memberships, and supporters imported into them from CSV."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages; coalitions and organisations as role scopes; everyone who agreed to hear from a
    coalition as a mailing segment; whose each mailing is; and the sweep of supporters' imports."""
    from organiser.coalitions import services
    from organiser.coalitions.blueprint import bp
    from organiser.coalitions.forms import MEMBERSHIP_STATUS_LABELS
    from organiser.core.scopes import register_scope
    from organiser.jobs import Sweep, register_sweep
    from organiser.messaging.owners import set_owner_policy
    from organiser.messaging.services.audiences import register_segment

    app.register_blueprint(bp)
    app.add_template_global(MEMBERSHIP_STATUS_LABELS, "membership_labels")
    for scope in services.SCOPES:
        register_scope(scope)
    register_segment(services.SUPPORTERS)
    set_owner_policy(services.MAILING_OWNERS)
    register_sweep(Sweep("supporter imports", _sweep_imports))


def _sweep_imports() -> None:
    """Drafts never imported deleted after a day; imports that stopped moving handed out again."""
    from organiser.coalitions.services.people_import import sweep_imports

    sweep_imports()
