"""An action's sponsors as its pages and the people on them meet them: every sponsor, and the
accepted ones the public page names; each one's tracking link, and the code in it that attributes
what someone does to the sponsor (remembered for a few seconds per process: a surge may come
through one link); and the consent box of the sponsor whose link brought someone."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.sponsorship.kinds import Sponsored
from organiser.actions.sponsorship.models import SponsorStatus
from organiser.db import db
from organiser.web.urls import external_url


def sponsors_of(kind: Sponsored, action: Any) -> list[Any]:
    model = kind.model
    query = select(model).where(kind.action_key == action.id).order_by(model.invited_at, model.id)
    return list(db.session.scalars(query))


def accepted_sponsors(kind: Sponsored, action: Any) -> list[Any]:
    return [s for s in sponsors_of(kind, action) if s.status == SponsorStatus.ACCEPTED]


def tracking_link(kind: Sponsored, sponsor: Any) -> str:
    return external_url(kind.public_endpoint, slug=kind.action_of(sponsor).slug, source=sponsor.code)


def sponsor_for_code(kind: Sponsored, action: Any, code: str | None) -> Any | None:
    """The accepted sponsor whose tracking code this is; unknown, invited and declined codes give None."""
    code = (code or "").strip().lower()
    if not code:
        return None
    model = kind.model
    return db.session.scalar(
        select(model).where(
            kind.action_key == action.id, model.code == code, model.status == SponsorStatus.ACCEPTED
        )
    )


_CACHE_SECONDS = 5.0
_cache: dict[tuple[Any, ...], tuple[float, tuple[int, str] | None]] = {}


def forget_codes() -> None:
    """This process forgets the codes it remembered (a sponsor was invited or answered)."""
    _cache.clear()


def sponsor_for_request(kind: Sponsored, action: Any, code: str | None) -> tuple[int, str] | None:
    """(organisation id, name) of the accepted sponsor with this code, as a public request needs it:
    remembered for a few seconds per process, so a surge through one tracking link does not ask
    the database each time. A code only exists for the public once its sponsor has accepted, so the
    short memory never drops a consent someone was shown."""
    code = (code or "").strip().lower()
    if not code:
        return None
    app = id(current_app._get_current_object())
    key, now = (app, kind.name, action.id, action.created_at, code), time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    sponsor = sponsor_for_code(kind, action, code)
    found = (sponsor.organisation_id, sponsor.organisation.name) if sponsor is not None else None
    if len(_cache) > 4096:
        _cache.clear()
    _cache[key] = (now, found)
    return found


def page_context(kind: Sponsored, action: Any, code: str) -> dict[str, Any]:
    """What an action's public page shows of its sponsors: who co-sponsors it and, through an
    accepted sponsor's tracking link, that sponsor (for its own consent box)."""
    sponsor = sponsor_for_code(kind, action, code)
    return {
        "sponsors": accepted_sponsors(kind, action),
        "sponsor": sponsor,
        "sponsor_consent_wording": sponsor_consent_wording(sponsor.organisation.name) if sponsor else "",
    }


def sponsor_consent_wording(name: str) -> str:
    """The words of a co-sponsor's own consent box, stored with the consent."""
    return _("Keep me updated by e-mail about campaigns of %(organisation)s.", organisation=name)
