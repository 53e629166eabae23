"""The e-mails of a petition started by a supporter: to its creator (in the language they started it
in, tied to their person so that erasing them finds the message), to its supporters (confirming
their support) and to the coalition's coordinators (something waits for their decision). Each goes
to the outbox inside the transaction; the worker sends it after the commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from organiser.actions.petitions.community import links
from organiser.actions.petitions.community.models import CommunityPetition
from organiser.core.models import User
from organiser.db import db
from organiser.messaging.services import queue_email
from organiser.web.urls import external_url

TEMPLATES = "actions/petitions/community/email/"


def to_creator(
    community: CommunityPetition, template: str, subject: Callable[[], str], **context: Any
) -> None:
    """One e-mail to the petition's creator (nothing once they are erased)."""
    person = community.person
    if person is None:
        return
    with force_locale(community.language or "en"):
        text = render_template(
            TEMPLATES + template,
            community=community,
            petition=community.petition,
            name=community.creator_name,
            page_link=links.page_url(community),
            **context,
        )
        row = queue_email(to=person.email, subject=subject(), text=text)
    row.person_id = person.id
    db.session.flush()


def confirm_start(community: CommunityPetition) -> None:
    title = community.petition.title
    to_creator(
        community,
        "confirm_start.txt",
        lambda: _("Confirm your petition: %(title)s", title=title),
        link=links.confirm_url(community),
    )


def started(community: CommunityPetition) -> None:
    """Confirmed: the creator's own page, and the private link that gathers supporters."""
    title = community.petition.title
    to_creator(
        community,
        "started.txt",
        lambda: _("Your petition: %(title)s", title=title),
        share_link=links.share_url(community),
    )


def submitted(community: CommunityPetition, supporters: int) -> None:
    title = community.petition.title
    to_creator(
        community,
        "submitted.txt",
        lambda: _("Your petition is with the coordinators: %(title)s", title=title),
        supporters=supporters,
    )


def decided(community: CommunityPetition, reason: Any = "") -> None:
    """Approved (with the public link) or rejected (with the reason and the published standards)."""
    title = community.petition.title
    published = str(community.state) == "published"
    to_creator(
        community,
        "approved.txt" if published else "rejected.txt",
        (lambda: _("Your petition is published: %(title)s", title=title))
        if published
        else (lambda: _("Your petition was not published: %(title)s", title=title)),
        public_link=external_url("petitions.petition", slug=community.petition.slug),
        standards_link=external_url("community.standards"),
        reason=reason,
    )


def update_decided(community: CommunityPetition, update: Any) -> None:
    title = community.petition.title
    approved = str(update.status) == "approved"
    to_creator(
        community,
        "update_decided.txt",
        (lambda: _("Your update was sent: %(title)s", title=title))
        if approved
        else (lambda: _("Your update was not sent: %(title)s", title=title)),
        update=update,
        approved=approved,
    )


def confirm_support(
    community: CommunityPetition, signature_id: int, name: str, address: str, person_id: int
) -> None:
    """The link that confirms a supporter's signature, in the current language."""
    petition = community.petition
    text = render_template(
        TEMPLATES + "confirm_support.txt",
        petition=petition,
        community=community,
        name=name,
        link=links.support_confirm_url(signature_id),
    )
    row = queue_email(
        to=address, subject=_("Confirm your support: %(title)s", title=petition.title), text=text
    )
    row.person_id = person_id
    db.session.flush()


def supported_already(community: CommunityPetition, name: str, address: str, person_id: int) -> None:
    petition = community.petition
    text = render_template(
        TEMPLATES + "supported_already.txt",
        petition=petition,
        name=name,
        link=links.share_url(community),
    )
    row = queue_email(
        to=address, subject=_("You support this petition already: %(title)s", title=petition.title), text=text
    )
    row.person_id = person_id
    db.session.flush()


def coordinators_for(community: CommunityPetition) -> list[User]:
    """Who decides: the coordinators of the petition's coalition, or, if it has none, of the nearest
    alliance above it that has."""
    from organiser.coalitions.services import coordinators_of

    for coalition in community.petition.coalition.lineage():
        people = coordinators_of(coalition)
        if people:
            return people
    return []


def to_coordinators(
    community: CommunityPetition, template: str, subject: Callable[[], str], **context: Any
) -> None:
    """Something waits for a coordinator's decision: each of them gets an e-mail, in their language."""
    from organiser.core.services import in_locale

    petition = community.petition
    link = external_url("community.review", slug=petition.slug)
    for user in coordinators_for(community):
        with in_locale(user.locale):
            text = render_template(
                TEMPLATES + template, petition=petition, community=community, user=user, link=link, **context
            )
            queue_email(to=user.email, subject=subject(), text=text)


def waiting_for_decision(community: CommunityPetition, supporters: int) -> None:
    title = community.petition.title
    to_coordinators(
        community,
        "moderation.txt",
        lambda: _("A petition started by a supporter waits for your decision: %(title)s", title=title),
        supporters=supporters,
    )


def update_waiting(community: CommunityPetition, update: Any) -> None:
    title = community.petition.title
    to_coordinators(
        community,
        "update_waiting.txt",
        lambda: _("An update to its signers waits for your approval: %(title)s", title=title),
        update=update,
    )
