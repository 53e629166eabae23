"""A petition's sponsors as its pages and its signers meet them: every sponsor, and the accepted
ones the public page names; each one's tracking link, and the code in it that attributes a
signature to the sponsor (remembered for a few seconds per process: a surge may come through one
link); and the consent box of the sponsor whose link brought someone."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.petitions.models import Petition, PetitionSponsor, SponsorStatus
from organiser.db import db
from organiser.web.urls import external_url


def sponsors_of(petition: Petition) -> list[PetitionSponsor]:
    query = (
        select(PetitionSponsor)
        .where(PetitionSponsor.petition_id == petition.id)
        .order_by(PetitionSponsor.invited_at, PetitionSponsor.id)
    )
    return list(db.session.scalars(query))


def accepted_sponsors(petition: Petition) -> list[PetitionSponsor]:
    return [s for s in sponsors_of(petition) if s.status == SponsorStatus.ACCEPTED]


def tracking_link(sponsor: PetitionSponsor) -> str:
    return external_url("petitions.petition", slug=sponsor.petition.slug, source=sponsor.code)


def sponsor_for_code(petition: Petition, code: str | None) -> PetitionSponsor | None:
    """The accepted sponsor whose tracking code this is; unknown, invited and declined codes give None."""
    code = (code or "").strip().lower()
    if not code:
        return None
    return db.session.scalar(
        select(PetitionSponsor).where(
            PetitionSponsor.petition_id == petition.id,
            PetitionSponsor.code == code,
            PetitionSponsor.status == SponsorStatus.ACCEPTED,
        )
    )


_SIGNING_CACHE_SECONDS = 5.0
_signing_cache: dict[tuple[Any, ...], tuple[float, tuple[int, str] | None]] = {}


def forget_codes() -> None:
    """This process forgets the codes it remembered (a sponsor was invited or answered)."""
    _signing_cache.clear()


def sponsor_for_signing(petition: Petition, code: str | None) -> tuple[int, str] | None:
    """(organisation id, name) of the accepted sponsor with this code, as the sign request needs it:
    remembered for a few seconds per process, so a surge through one tracking link does not ask
    the database each time. A code only exists for signers once its sponsor has accepted, so the
    short memory never drops a consent someone was shown."""
    code = (code or "").strip().lower()
    if not code:
        return None
    key, now = (
        (id(current_app._get_current_object()), petition.id, petition.created_at, code),
        time.monotonic(),
    )
    hit = _signing_cache.get(key)
    if hit is not None and now - hit[0] < _SIGNING_CACHE_SECONDS:
        return hit[1]
    sponsor = sponsor_for_code(petition, code)
    found = (sponsor.organisation_id, sponsor.organisation.name) if sponsor is not None else None
    if len(_signing_cache) > 4096:
        _signing_cache.clear()
    _signing_cache[key] = (now, found)
    return found


def page_context(petition: Petition, code: str) -> dict[str, Any]:
    """What the public petition page shows of its sponsors: who co-sponsors it and, through an
    accepted sponsor's tracking link, that sponsor (for its own consent box)."""
    sponsor = sponsor_for_code(petition, code)
    return {
        "sponsors": accepted_sponsors(petition),
        "sponsor": sponsor,
        "sponsor_consent_wording": sponsor_consent_wording(sponsor.organisation.name) if sponsor else "",
    }


def sponsor_consent_wording(name: str) -> str:
    """The words of a co-sponsor's own consent box, stored with the consent."""
    return _("Keep me updated by e-mail about campaigns of %(organisation)s.", organisation=name)
