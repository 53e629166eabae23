"""Letter-writing: campaigns (fixed decision-makers or by region), letters written and confirmed by
supporters, sent one e-mail per decision-maker, and the responses recorded."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from organiser.actions.letters import personal_data, replies
    from organiser.actions.letters.views import bp
    from organiser.privacy.registry import register_personal_data

    replies.init_app(app)  # its routes join the blueprint before it is registered
    app.register_blueprint(bp)
    register_personal_data(personal_data.LETTERS)
