"""Accounts, role grants and permissions: who may do what, where."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from organiser.core.views import bp, sign_in_rate_limited
    from organiser.web.errors import register_error_page

    app.register_blueprint(bp)
    register_error_page(429, "core.sign_in", sign_in_rate_limited)
