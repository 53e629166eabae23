"""Petitions: the public page, signing and confirming, the count; coordinators' petition pages."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from flask import (
    abort,
    current_app,
    g,
    render_template,
    request,
    session,
)
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from organiser.actions.petitions import intake, services, sponsors
from organiser.actions.petitions.forms import SignForm
from organiser.actions.petitions.lifecycle import close_if_overdue
from organiser.actions.petitions.models import Petition, PetitionStatus, Signature
from organiser.actions.sponsorship.tracking import tracking_code, tracking_fields
from organiser.coalitions.forms import sign_country_choices
from organiser.coalitions.models import Coalition
from organiser.db import db, utcnow
from organiser.extensions import csrf, may_be_signed_in
from organiser.web import limits
from organiser.web.inputs import form_text
from organiser.web.microcache import public_page
from organiser.web.permissions import public_or_404
from organiser.web.public_actions import confirmation_page, is_bot
from organiser.web.templating import render_with_holes


def public_petition(slug: str) -> Petition:
    petition = public_or_404(services.by_slug(slug))
    if close_if_overdue(petition):  # without a worker's sweep (embedded), the first visit closes it
        db.session.commit()
    return petition


def sign_form() -> SignForm:
    form = SignForm()
    form.country.choices = sign_country_choices(str(get_locale()))  # built once per language
    return form


_bound_sign_forms = threading.local()


def _submitted_sign_form(locale: str) -> SignForm:
    """The sign form filled in with this request's submission. Binding a form's fields costs a
    sign request a sixth of its time, so each thread binds one per language once and fills it in
    again for each request (``process`` resets every field's data; ``validate`` every error)."""
    forms = _bound_sign_forms.__dict__.setdefault("forms", {})
    key = (id(current_app._get_current_object()), locale)
    form = forms.get(key)
    if form is None:
        form = forms[key] = SignForm(formdata=None)
        form.country.choices = sign_country_choices(locale)
    form.process(request.form)
    return form


def _render_petition(petition: Petition, form: SignForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "actions/petitions/petition.html",
        petition=petition,
        form=form,
        can_manage=current_user.is_authenticated and petition.can_manage(current_user),
        signers=services.recent_public_signers(petition),
        consent_wording=services.consent_wording(petition),
        source=_source_code(),
        **sponsors.page_context(petition, _source_code()),
    ), status


def petition(slug: str) -> Response:
    """The petition: the ask, the count against the goal, recent public signers, the sign form."""
    body, status = _render_petition(public_petition(slug), sign_form())
    return public_page(Response(body, status, mimetype="text/html"))


def count(slug: str) -> Response:
    """The confirmed count, cacheable for a few seconds."""
    petition = public_petition(slug)
    response = Response(
        f'{{"count": {petition.signature_count}, "goal": {petition.goal}}}', mimetype="application/json"
    )
    return public_page(response)


@dataclass(frozen=True)
class _CoalitionSnapshot:
    id: int
    name: str
    tree_id: int

    def lineage(self) -> list[Any]:
        return (
            [self] if self.id == self.tree_id else [self, _CoalitionSnapshot(self.tree_id, "", self.tree_id)]
        )


@dataclass(frozen=True)
class _PetitionSnapshot:
    """What a sign request needs of an open petition, as plain values: read with one Core query,
    and kept by each web process for ``PUBLIC_MICROCACHE_SECONDS`` (a coordinator's close takes
    effect within that second; the close date is checked against the clock every time)."""

    id: int
    slug: str
    title: str
    coalition_id: int
    created_at: Any
    close_date: Any
    coalition: _CoalitionSnapshot


_snapshots: dict[tuple[Any, ...], tuple[float, _PetitionSnapshot | None]] = {}


def _open_petition_snapshot(slug: str) -> _PetitionSnapshot | None:
    """The open petition with this slug, or None (closed, draft, unknown: the full path decides)."""
    seconds = float(current_app.config["PUBLIC_MICROCACHE_SECONDS"])
    key, now = (id(current_app._get_current_object()), slug), time.monotonic()
    hit = _snapshots.get(key)
    if hit is not None and hit[0] > now:
        snapshot = hit[1]
    else:
        row = db.session.execute(
            select(
                Petition.id,
                Petition.slug,
                Petition.title,
                Petition.coalition_id,
                Petition.created_at,
                Petition.close_date,
                Coalition.name,
                Coalition.parent_id,
            )
            .join(Coalition, Coalition.id == Petition.coalition_id)
            .where(Petition.slug == slug, Petition.status == PetitionStatus.OPEN)
        ).one_or_none()
        snapshot = None
        if row is not None:
            tree_id = row.coalition_id if row.parent_id is None else _tree_id(row.coalition_id)
            snapshot = _PetitionSnapshot(
                row.id,
                row.slug,
                row.title,
                row.coalition_id,
                row.created_at,
                row.close_date,
                _CoalitionSnapshot(row.coalition_id, row.name, tree_id),
            )
        if seconds > 0:
            if len(_snapshots) > 1024:
                _snapshots.clear()
            _snapshots[key] = (now + seconds, snapshot)
    if snapshot is not None and snapshot.close_date is not None and snapshot.close_date < utcnow().date():
        return None  # past its close date: the full path closes it and answers so
    return snapshot


def forget_remembered_pages() -> None:
    """Empty this process's memory of public pages and petitions (for tests that turn it on)."""
    from organiser.web.microcache import forget_pages

    forget_pages()
    _snapshots.clear()


def _tree_id(coalition_id: int) -> int:
    coalition = db.session.get(Coalition, coalition_id)
    return coalition.lineage()[-1].id if coalition is not None else coalition_id


@csrf.exempt
def sign(slug: str) -> str | tuple[str, int]:
    """Sign: a pending signature, and an e-mail with the link that confirms it.

    A valid signature on an open petition goes the short way (``_open_petition_snapshot``); bad
    input, a closed or draft petition, or someone who signed already get the full pages."""
    # From the embed widget: the answer is a compact page, and may be shown in the other site's frame.
    embed = g.frameable = request.form.get("embed") == "1"
    locale = str(get_locale())
    form = _submitted_sign_form(locale)
    valid = form.validate()
    anonymous = not may_be_signed_in() or not current_user.is_authenticated
    snapshot = _open_petition_snapshot(slug) if valid and anonymous else None
    if snapshot is not None and intake.enabled() and not is_bot(form):
        # With Redis: one round trip (limits, and the signature kept for the batch job) and the page.
        if not intake.accept(snapshot.id, form.data, _source_fields(), locale):
            abort(429)
        return _check_email_page(snapshot, form.email.data, embed)
    if limits.over_public_limit(request.remote_addr or ""):
        abort(429)
    if snapshot is not None:
        return _sign_valid(snapshot, form, embed)
    petition = public_petition(slug)
    if petition.status != PetitionStatus.OPEN:
        return render_template("actions/petitions/closed.html", petition=petition, embed=embed), 409
    if not valid:
        if embed:
            return render_template(
                "actions/petitions/embed.html",
                petition=petition,
                form=form,
                source=form_text("source", max_length=80),
                consent_wording=services.consent_wording(petition),
                **sponsors.page_context(petition, form_text("source", max_length=80)),
            )
        return _render_petition(petition, form, 200)
    return _sign_valid(petition, form, embed)


def _sign_valid(petition: Any, form: SignForm, embed: bool) -> str:
    """A valid submission on an open petition (the ORM object, or the snapshot)."""
    if is_bot(form):  # the honeypot: say the same as to a person, store nothing
        return _check_email_page(petition, form.email.data, embed)
    # The same page whoever signs: someone who signed already is told so by e-mail, never here
    # (the form would otherwise tell anyone whether an address signed).
    services.sign(petition, form.data, source=_source_fields(), tell_if_signed=True)
    db.session.commit()
    return _check_email_page(petition, form.email.data, embed)


def _source_code() -> str:
    """The tracking code a page was reached with (``?source=``) or a form carried."""
    return tracking_code()


def _source_fields() -> dict[str, str]:
    """Where a signature came from: the sponsor's code, utm fields, referrer and IP address."""
    return {**tracking_fields(), "ip": request.remote_addr or ""}


def _check_email_page(petition: Petition, email: str, embed: bool) -> str:
    """The answer to nearly every sign request, so rendered once per petition and language for
    anonymous signers, and filled in with their address."""
    if may_be_signed_in() and (current_user.is_authenticated or session.get("_flashes")):
        # the header or a message is theirs
        return render_template(
            "actions/petitions/check_email.html", petition=petition, email=email, embed=embed
        )
    key = (petition.id, petition.slug, petition.title, embed)
    return render_with_holes(
        "actions/petitions/check_email.html", key, {"email": email}, petition=petition, embed=embed
    )


@csrf.exempt
def confirm(slug: str, token: str) -> str | tuple[str, int]:
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms, once."""
    petition = public_petition(slug)
    signature = services.signature_for_token(token)
    return confirmation_page(
        signature is not None and signature.petition_id == petition.id,
        bad_link=lambda: render_template("actions/petitions/bad_link.html", petition=petition),
        show=lambda: render_template(
            "actions/petitions/confirm.html", petition=petition, signature=signature
        ),
        confirm=lambda: _confirm(petition, signature),
    )


def _confirm(petition: Petition, signature: Signature) -> str:
    """Confirm the signature (once; the count follows) and thank the signer."""
    services.confirm(signature)
    db.session.commit()
    db.session.refresh(petition)
    return render_template("actions/petitions/thanks.html", petition=petition, already=False)
