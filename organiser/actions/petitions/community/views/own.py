"""The creator's own page, reached by the link in their e-mails (no account: the link is the key, and
there is no session, so its forms carry no CSRF token): where their petition stands and its count,
the private link to share, changing it before publication, writing to its signers (sent once a
coordinator approves), and closing it."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from organiser.actions.petitions.community import links, services
from organiser.actions.petitions.community.forms import EditForm, UpdateForm
from organiser.actions.petitions.community.models import EDITABLE, CommunityPetition
from organiser.actions.petitions.community.views.common import (
    bad_link,
    chosen_target,
    private,
    set_target_choices,
)
from organiser.db import db
from organiser.extensions import csrf

TEMPLATES = "actions/petitions/community/"


def _own_page(community: CommunityPetition, notice: str = "") -> Response:
    body = render_template(
        TEMPLATES + "own.html",
        community=community,
        petition=community.petition,
        token=links.page_token(community),
        share_link=links.share_url(community),
        supporters=services.supporters(community),
        updates=services.updates_of(community),
        may_post_update=services.may_post_update(community),
        editable=community.state in EDITABLE,
        notice=notice,
    )
    return private(body)


def _found(token: str) -> CommunityPetition | None:
    return links.for_page(token)


def own_page(token: str) -> Response:
    """Where the petition stands, its count, the link to share, and what its creator may do."""
    community = _found(token)
    return bad_link() if community is None else _own_page(community)


def _edit_form(community: CommunityPetition) -> EditForm:
    petition = community.petition
    if request.method == "POST":
        form = EditForm()
    else:
        chosen = petition.targets[0].id if petition.targets else ""
        form = EditForm(
            data={
                "title": petition.title,
                "ask": petition.ask,
                "background": petition.background,
                "target": str(chosen),
                "target_name": "" if chosen else petition.target,
            }
        )
    set_target_choices(form, petition.coalition_id)
    return form


@csrf.exempt  # the link itself is the secret, and the page has no session for a token
def edit(token: str) -> Response:
    """The creator changes its words, or who it is addressed to, until it is published."""
    community = _found(token)
    if community is None:
        return bad_link()
    if community.state not in EDITABLE:
        return _own_page(community)
    form = _edit_form(community)
    if request.method == "POST" and form.validate():
        valid, target = chosen_target(form, community.petition.coalition_id)
        if valid:
            services.edit_petition(community, form.petition_fields(), target=target)
            db.session.commit()
            return _own_page(community, _("Your changes are saved."))
    body = render_template(
        TEMPLATES + "edit.html", community=community, petition=community.petition, form=form, token=token
    )
    return private(body)


@csrf.exempt  # the link itself is the secret, and the page has no session for a token
def updates(token: str) -> Response:
    """The creator writes to the petition's signers; a coordinator approves it before it is sent."""
    community = _found(token)
    if community is None:
        return bad_link()
    if not services.may_post_update(community):
        return _own_page(community)
    form = UpdateForm()
    if request.method == "POST" and form.validate():
        services.post_update(community, subject=form.subject.data, body=form.body.data)
        db.session.commit()
        return _own_page(
            community,
            _(
                "Thank you. A coordinator reads your update, then it is sent to the signers who agreed to "
                "hear."
            ),
        )
    body = render_template(
        TEMPLATES + "update_form.html",
        community=community,
        petition=community.petition,
        form=form,
        token=token,
    )
    return private(body)


@csrf.exempt  # the link itself is the secret, and the page has no session for a token
def close(token: str) -> Response:
    """The creator closes it: withdrawn before publication, closed to new signatures once open."""
    community = _found(token)
    if community is None:
        return bad_link()
    try:
        services.close_by_creator(community)
    except services.CommunityStateError:
        db.session.rollback()
        return _own_page(community)
    db.session.commit()
    return _own_page(community, _closed_notice(community))


def _closed_notice(community: Any) -> str:
    if community.state == "withdrawn":
        return _("Your petition is closed. It will not be published.")
    return _("Your petition is closed to new signatures.")
