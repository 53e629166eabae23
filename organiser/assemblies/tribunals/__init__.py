"""A people's tribunal: charges, testimonies (public form with double opt-in, or written down by
organisers; moderated before anything is public), the panel, its verdicts and the judgment."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages, and testimonies as personal data."""
    from organiser.assemblies.tribunals import personal_data
    from organiser.assemblies.tribunals.blueprint import bp
    from organiser.privacy.registry import register_personal_data

    app.register_blueprint(bp)
    register_personal_data(personal_data.TESTIMONIES)
