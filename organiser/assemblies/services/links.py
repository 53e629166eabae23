"""The links in a registrant's e-mails: one confirms the registration, the other opens their own
page. Each is a signed token for its purpose; a link dies with the data when the person is erased."""

from __future__ import annotations

from organiser.assemblies.models import Registration
from organiser.web.public_actions import link_token, row_for_link
from organiser.web.urls import external_url


def confirmation_token(registration: Registration) -> str:
    return link_token("registration.confirm", registration.id)


def page_token(registration: Registration) -> str:
    return link_token("registration.page", registration.id)


def _registration_for(token: str, purpose: str) -> Registration | None:
    return row_for_link(Registration, f"registration.{purpose}", token)


def registration_for_confirmation(token: str) -> Registration | None:
    return _registration_for(token, "confirm")


def registration_for_page(token: str) -> Registration | None:
    return _registration_for(token, "page")


def page_url(registration: Registration) -> str:
    return external_url(
        "assemblies.registration_page", slug=registration.assembly.slug, token=page_token(registration)
    )
