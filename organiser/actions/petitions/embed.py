"""The embed widget's snippet: what a member organisation pastes into its own site."""

from __future__ import annotations

from markupsafe import escape

from organiser.actions.petitions.models import Petition
from organiser.web.urls import external_url

EMBED_HEIGHT = 1000  # pixels: the sign form at 300 px wide fits without the frame scrolling


def embed_url(petition: Petition, source: str = "") -> str:
    """The widget's address; ``source`` (a sponsor's tracking code) is kept with each signature."""
    values = {"slug": petition.slug}
    if source:
        values["source"] = source
    return external_url("petitions.embed", **values)


def embed_snippet(petition: Petition, source: str = "") -> str:
    """An ``<iframe>`` to paste into another site, with a title for screen readers."""
    return (
        f'<iframe src="{escape(embed_url(petition, source))}" title="{escape(petition.title)}" '
        f'width="100%" height="{EMBED_HEIGHT}" style="border:0"></iframe>'
    )
