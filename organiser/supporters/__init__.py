"""The supporter base coordinators work from: a coalition tree's people, listed with filters, counts
and sorting, exported as CSV (streamed), each with their page (actions, consents with their wording,
mail, tags and notes); tags put on one person or on everyone a filter matches; a filter saved as a
mailing segment. An organisation's admins see only the people who agree to hear from it.

It sits above actions and assemblies and imports neither (import-linter holds it to that): what
people did comes through the activity sources those domains register (``organiser.people.activity``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages, saved filters as a mailing segment, tags and notes as personal data."""
    from organiser.messaging.services.audiences import register_segment
    from organiser.privacy.registry import register_personal_data
    from organiser.supporters.blueprint import bp
    from organiser.supporters.personal_data import NOTES_AND_TAGS
    from organiser.supporters.segments import SAVED

    app.register_blueprint(bp)
    register_segment(SAVED)
    register_personal_data(NOTES_AND_TAGS)
