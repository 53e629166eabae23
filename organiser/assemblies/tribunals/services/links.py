"""The links in a witness's e-mails: one confirms the testimony, the other opens their own page.
Each is a signed token for its purpose; a link dies with the data when the witness is erased."""

from __future__ import annotations

from organiser.assemblies.tribunals.models import Testimony
from organiser.web.public_actions import link_token, row_for_link
from organiser.web.urls import external_url


def confirmation_token(testimony: Testimony) -> str:
    return link_token("testimony.confirm", testimony.id)


def page_token(testimony: Testimony) -> str:
    return link_token("testimony.page", testimony.id)


def _testimony_for(token: str, purpose: str) -> Testimony | None:
    return row_for_link(Testimony, f"testimony.{purpose}", token)


def testimony_for_confirmation(token: str) -> Testimony | None:
    return _testimony_for(token, "confirm")


def testimony_for_page(token: str) -> Testimony | None:
    return _testimony_for(token, "page")


def page_url(testimony: Testimony) -> str:
    return external_url("tribunals.testimony_page", slug=testimony.assembly.slug, token=page_token(testimony))


def confirmation_url(testimony: Testimony) -> str:
    slug = testimony.assembly.slug
    return external_url("tribunals.confirm", slug=slug, token=confirmation_token(testimony))
