"""Assemblies chosen by lot: a pool of volunteers, quotas, a fair distribution over panels and a
verifiable draw. ``solver`` is the selection library (no database); ``pools``, ``volunteers``,
``selection`` (the RQ job), ``draws`` and ``invitations`` the operations; ``personal_data`` what
privacy erases, exports and expires."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages; volunteers as personal data."""
    from organiser.assemblies.sortition import personal_data
    from organiser.assemblies.sortition.blueprint import bp
    from organiser.privacy.registry import register_personal_data

    app.register_blueprint(bp)
    register_personal_data(personal_data.VOLUNTEERS)
