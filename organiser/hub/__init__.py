"""The public face: a coalition's open actions and outcomes on its page (an alliance's by chapter),
the home page's featured actions, and the search over actions, coalitions and assemblies.

It sits above actions and assemblies and reaches them only through their listing modules
(``actions.listings``, ``assemblies.listings``; import-linter holds it to them), and shows what it
finds on the coalitions' pages through ``coalitions.showcase``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The search page, what the home and coalition pages show of actions, the pagination links."""
    from organiser.coalitions import showcase
    from organiser.hub.labels import template_helpers
    from organiser.hub.views import bp, coalition_section, home_section
    from organiser.web.cards import page_url

    app.register_blueprint(bp)
    app.context_processor(template_helpers)
    showcase.register_section(showcase.HOME, "actions", home_section)
    showcase.register_section(showcase.COALITION, "actions", coalition_section)
    app.add_template_global(page_url, "page_url")
