"""For anyone, no account: the start form (no session, so no CSRF token: double opt-in, the named
rate limits and a honeypot guard it; it answers the same whoever submits it), the creator's
confirmation (GET shows a button, POST confirms), the private link that gathers the first supporters
and their confirmations, and the published standards."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from organiser.actions.petitions.community import links, services
from organiser.actions.petitions.community.forms import StartForm
from organiser.actions.petitions.community.models import CommunityPetition, CommunityState
from organiser.actions.petitions.community.reasons import REJECTION_REASONS
from organiser.actions.petitions.community.views.common import (
    bad_link,
    chosen_target,
    coalition_or_404,
    private,
    set_target_choices,
)
from organiser.actions.petitions.forms import SignForm
from organiser.actions.petitions.models import PetitionStatus
from organiser.actions.petitions.services import consent_wording
from organiser.coalitions.forms import sign_country_choices
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.extensions import csrf
from organiser.people.services import supporter_email
from organiser.web import limits
from organiser.web.inputs import without_controls
from organiser.web.microcache import public_page
from organiser.web.public_actions import confirmation_page, is_bot

TEMPLATES = "actions/petitions/community/"


def _start_page(coalition: Coalition, form: StartForm, is_open: bool, status: int = 200) -> Response:
    body = render_template(
        TEMPLATES + "start.html",
        coalition=coalition,
        form=form,
        is_open=is_open,
        supporters_needed=services.rules_for(coalition).supporters_needed,
        consent_wording=_consent_wording(coalition),
    )
    return Response(body, status, mimetype="text/html")


def _consent_wording(coalition: Coalition) -> str:
    from flask_babel import gettext as _

    return _(
        "Keep me updated by e-mail about this petition and other campaigns of %(coalition)s.",
        coalition=coalition.name,
    )


@csrf.exempt
def start(slug: str) -> Response:
    """Start a petition in this coalition: a draft, and an e-mail with the link that confirms it."""
    coalition = coalition_or_404(slug)
    is_open = services.rules_for(coalition).open_to_supporters
    form = StartForm()
    set_target_choices(form, coalition.id)
    if request.method == "GET":
        return public_page(_start_page(coalition, form, is_open))
    ip = request.remote_addr or ""
    if limits.over_public_limit(ip):
        abort(429)
    if not is_open:
        return _start_page(coalition, form, False, 409)
    valid = form.validate()
    valid, target = chosen_target(form, coalition.id) if valid else (False, None)
    if not valid:
        return _start_page(coalition, form, True)
    domain = supporter_email(form.email.data).rpartition("@")[2]
    if limits.over_action_limit(f"community-{coalition.id}", ip, domain):
        abort(429)
    if not is_bot(form):  # the honeypot: a bot is answered as a person is, and nothing is kept
        services.start_petition(
            coalition, {**form.data}, target=target, ip=ip, language=str(get_locale() or "en")
        )
        db.session.commit()
    body = render_template(TEMPLATES + "check_email.html", coalition=coalition, email=form.email.data)
    return private(body)


@csrf.exempt
def confirm_start(token: str) -> Response:
    """The creator's link: GET shows a button (mail scanners follow links), POST confirms, once."""
    community = links.for_confirmation(token)

    def confirmed() -> Response:
        services.confirm_creator(community)
        db.session.commit()
        return redirect(url_for("community.own_page", token=links.page_token(community)), 303)

    return confirmation_page(
        community is not None,
        bad_link=bad_link,
        show=lambda: private(render_template(TEMPLATES + "confirm.html", community=community)),
        confirm=confirmed,
    )


def _sign_form() -> SignForm:
    form = SignForm()
    form.country.choices = sign_country_choices(str(get_locale()))
    return form


def _support_page(community: CommunityPetition, form: SignForm, status: int = 200) -> Response:
    petition = community.petition
    body = render_template(
        TEMPLATES + "support.html",
        community=community,
        petition=petition,
        form=form,
        gathering=services.is_gathering(community) or _open_after_publication(community),
        supporters=services.supporters(community),
        consent_wording=consent_wording(petition),
        token=links.share_token(community),
    )
    return private(body, status)


def _open_after_publication(community: CommunityPetition) -> bool:
    return community.state == CommunityState.PUBLISHED and community.petition.status == PetitionStatus.OPEN


@csrf.exempt
def support(token: str) -> Response:
    """The creator's private link: the petition, and a form to support it (double opt-in). Once the
    petition is published, the link leads to its public page."""
    community = links.for_share(token)
    if community is None:
        return bad_link()
    if request.method == "GET":
        if community.state == CommunityState.PUBLISHED:
            return redirect(url_for("petitions.petition", slug=community.petition.slug))
        return _support_page(community, _sign_form())
    ip = request.remote_addr or ""
    if limits.over_public_limit(ip):
        abort(429)
    form = _sign_form()
    if not (services.is_gathering(community) or _open_after_publication(community)):
        return _support_page(community, form, 409)
    if not form.validate():
        return _support_page(community, form)
    if not is_bot(form):
        source = {"ip": ip, "referrer": without_controls(request.referrer or "")[:500]}
        services.add_supporter(community, form.data, source=source)
        db.session.commit()
    body = render_template(
        TEMPLATES + "support_check_email.html", petition=community.petition, email=form.email.data
    )
    return private(body)


@csrf.exempt
def confirm_support(token: str) -> Response:
    """A supporter's link: GET shows a button, POST confirms their signature, once."""
    signature = links.supporter_signature(token)
    community = services.community_of(signature.petition_id) if signature is not None else None

    def confirmed() -> Response:
        services.confirm_supporter(community, signature)
        db.session.commit()
        db.session.refresh(community)
        body = render_template(
            TEMPLATES + "support_thanks.html",
            community=community,
            petition=community.petition,
            supporters=services.supporters(community),
            share_link=links.share_url(community),
        )
        return private(body)

    return confirmation_page(
        community is not None,
        bad_link=bad_link,
        show=lambda: private(
            render_template(TEMPLATES + "support_confirm.html", petition=community.petition)
        ),
        confirm=confirmed,
    )


def standards() -> Response:
    """The published standards: why a petition started by a supporter may not be published."""
    body = render_template(TEMPLATES + "standards.html", reasons=REJECTION_REASONS)
    return public_page(Response(body, mimetype="text/html"))
