"""Assemblies, tribunals, registrations, agenda, testimonies, verdicts and demands."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages; assemblies as role scopes; registrations as personal data and as activity."""
    from organiser.assemblies import personal_data, services, supporters
    from organiser.assemblies.blueprint import bp
    from organiser.core.scopes import register_scope
    from organiser.people.activity import register_activity
    from organiser.privacy.registry import register_personal_data

    app.register_blueprint(bp)
    register_scope(services.SCOPE)
    register_personal_data(personal_data.REGISTRATIONS)
    register_activity(supporters.REGISTRATIONS)  # registrants, for the supporters' pages
    # The sub-packages: each its own blueprint (and jobs, segments, personal data).
    from organiser.assemblies import dayof, demands, sortition, tribunals

    dayof.init_app(app)  # before and on the day: reminders, check-in
    tribunals.init_app(app)  # charges, testimonies, panel, judgment
    demands.init_app(app)  # demands, the vote, the actions they launch
    sortition.init_app(app)  # selection by lot: pools, quotas, runs, the verifiable draw
