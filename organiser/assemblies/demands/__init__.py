"""Demands an assembly proposes and votes on, and the actions adopted ones become."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages; what its templates (and the assembly's page) show; where an action comes from; a
    voter's votes as their personal data."""
    from organiser.actions import interface
    from organiser.assemblies.demands import labels, personal_data, services
    from organiser.assemblies.demands.blueprint import bp
    from organiser.privacy.registry import register_personal_data

    app.register_blueprint(bp)
    app.context_processor(labels.template_helpers)
    app.jinja_env.globals["action_origin"] = interface.origin_of
    interface.register_origin("assembly demands", services.origin)
    register_personal_data(personal_data.VOTES)
