"""Thresholds (issue 15): a coalition sets, per petition, signature counts with what happens at each
("at 10,000 the decision-maker is asked for a response; at 100,000 the coalition requests a debate
or a meeting"). Reaching one tells the coordinators once (they are milestones: ``milestones``), and
the petition's page shows each, reached or not, with what happens next. A response recorded for a
petition is published on its page and, once, e-mailed to the signers who agreed to hear from the
coalition (``services.email_response``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its page; what the petition's page shows of it."""
    from organiser.actions.petitions.thresholds import services
    from organiser.actions.petitions.thresholds.views import bp

    app.register_blueprint(bp)
    app.add_template_global(services.shown, "petition_thresholds")
    app.add_template_global(services.response_due, "petition_response_due")
