"""Accounts, role grants and permissions: who may do what, where."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from organiser.core.views import bp

    app.register_blueprint(bp)
