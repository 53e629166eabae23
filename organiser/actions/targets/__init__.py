"""Decision-makers (targets): a coalition's list, its CSV import, the lookup by region, and what each
answered to a petition or a letter campaign (one response model for both)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from organiser.actions.targets.boundaries.views import bp as boundaries
    from organiser.actions.targets.lookup.views import bp as areas
    from organiser.actions.targets.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(areas)
    app.register_blueprint(boundaries)
