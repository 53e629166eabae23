"""Assemblies, tribunals, registrations, agenda, testimonies, verdicts and demands."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages; assemblies as role scopes; registrations as personal data."""
    from organiser.assemblies import personal_data, services
    from organiser.assemblies.blueprint import bp
    from organiser.core.scopes import register_scope
    from organiser.privacy.registry import register_personal_data

    app.register_blueprint(bp)
    register_scope(services.SCOPE)
    register_personal_data(personal_data.REGISTRATIONS)
    __import__("organiser.assemblies.demands", fromlist=["init_app"]).init_app(app)
