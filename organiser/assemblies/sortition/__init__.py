"""Assemblies chosen by lot: a pool of volunteers, quotas, a fair distribution over panels and a
verifiable draw. ``solver`` is the selection library (no database); ``pools``, ``volunteers``,
``selection`` (the RQ job), ``draws`` and ``invitations`` the operations; ``personal_data`` what
privacy erases, exports and expires."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages (and the assembly page's link to them); volunteers as personal data."""
    from organiser.assemblies.sortition import personal_data, pools
    from organiser.assemblies.sortition.blueprint import bp
    from organiser.privacy.registry import register_personal_data

    app.register_blueprint(bp)
    app.jinja_env.globals["lot_pool"] = pools.pool_of
    register_personal_data(personal_data.VOLUNTEERS)
