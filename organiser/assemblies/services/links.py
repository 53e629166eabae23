"""The links in a registrant's e-mails: one confirms the registration, the other opens their own
page. Each is a signed token for its purpose; a link dies with the data when the person is erased."""

from __future__ import annotations

from organiser.assemblies.models import Registration
from organiser.db import db
from organiser.web.public_actions import link_token, read_link_token
from organiser.web.urls import external_url


def confirmation_token(registration: Registration) -> str:
    return link_token("registration.confirm", registration.id)


def page_token(registration: Registration) -> str:
    return link_token("registration.page", registration.id)


def _registration_for(token: str, purpose: str) -> Registration | None:
    registration_id = read_link_token(f"registration.{purpose}", token)
    if not isinstance(registration_id, int):
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.person_id is None:  # erased: the links die with the data
        return None
    return registration


def registration_for_confirmation(token: str) -> Registration | None:
    return _registration_for(token, "confirm")


def registration_for_page(token: str) -> Registration | None:
    return _registration_for(token, "page")


def page_url(registration: Registration) -> str:
    return external_url(
        "assemblies.registration_page", slug=registration.assembly.slug, token=page_token(registration)
    )
