"""Letter campaigns: a coordinator's draft, opened for letters and closed; their lists; and who a
campaign's letters go to (its fixed targets, or the writer's region's decision-makers)."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from organiser.actions.letters.models import CampaignStatus, LetterCampaign, TargetMode
from organiser.actions.letters.services.pacing import now as letters_now
from organiser.actions.targets.lookup import Area, areas_with_targets, targets_in
from organiser.actions.targets.lookup.areas import name_key
from organiser.actions.targets.models import Target
from organiser.db import as_utc, db, utcnow
from organiser.web.zones import country_zone

log = logging.getLogger(__name__)


class CampaignStateError(Exception):
    """The campaign cannot do this in its state; the message says why (for the coordinator)."""


# ---- campaigns ----------------------------------------------------------------------------------


def create_campaign(
    coalition_id: int, *, by: Any, target_ids: list[int], versions: list[Any] | None = None, **fields: Any
) -> LetterCampaign:
    """A draft campaign, addressed to these of its coalition's targets (fixed mode), with these
    suggested letters (``versions.VersionText``; or one, given as ``subject`` and ``body``)."""
    from organiser.actions.letters.services.versions import add_versions

    campaign = LetterCampaign(coalition_id=coalition_id, created_by_id=by.id, **fields)
    db.session.add(campaign)
    add_versions(campaign, versions or [])
    if not fields.get("timezone"):  # its days and digest hour: the coalition's country's zone
        campaign.timezone = country_zone(campaign.coalition.country)
    set_targets(campaign, target_ids)
    log.info("letter campaign %s created in coalition %s by %s", campaign.id, coalition_id, by.id)
    return campaign


def set_targets(campaign: LetterCampaign, target_ids: list[int]) -> None:
    wanted = set(target_ids)
    campaign.targets = [
        t
        for t in db.session.scalars(select(Target).where(Target.coalition_id == campaign.coalition_id))
        if t.id in wanted
    ]
    db.session.flush()


def why_not_open(campaign: LetterCampaign) -> str | None:
    """Why the campaign cannot be opened now, or None."""
    if campaign.status != CampaignStatus.DRAFT:
        return _("Only a draft can be opened.")
    if campaign.target_mode == TargetMode.FIXED and not campaign.targets:
        return _("Choose who the letters go to first.")
    if campaign.target_mode == TargetMode.REGION and not regions_of(campaign):
        return _("None of your decision-makers has a region or constituency yet.")
    closes = as_utc(campaign.closes_at)
    if closes is not None and closes <= letters_now():
        return _("Its close time has passed: choose a later one, or none, on “Change the campaign” first.")
    return None


def open_campaign(campaign: LetterCampaign, *, by: Any) -> None:
    problem = why_not_open(campaign)
    if problem:
        raise CampaignStateError(problem)
    campaign.status, campaign.opened_at = CampaignStatus.OPEN, utcnow()
    db.session.flush()
    log.info("letter campaign %s opened by %s", campaign.id, by.id)


def close_campaign(campaign: LetterCampaign, *, by: Any) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise CampaignStateError(_("Only an open campaign can be closed."))
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, utcnow()
    db.session.flush()
    log.info("letter campaign %s closed by %s", campaign.id, by.id)


def campaigns_of(coalition_id: int) -> list[LetterCampaign]:
    query = (
        select(LetterCampaign)
        .where(LetterCampaign.coalition_id == coalition_id)
        .order_by(LetterCampaign.created_at.desc(), LetterCampaign.id.desc())
    )
    return list(db.session.scalars(query))


def by_slug(slug: str) -> LetterCampaign | None:
    return db.session.scalar(
        select(LetterCampaign)
        .where(LetterCampaign.slug == slug)
        .options(joinedload(LetterCampaign.coalition))
    )


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(LetterCampaign.id).where(LetterCampaign.slug == slug)) is not None


def consent_wording(campaign: LetterCampaign) -> str:
    return _(
        "Keep me updated by e-mail about this campaign and other campaigns of %(coalition)s.",
        coalition=campaign.coalition.name,
    )


# ---- who a letter goes to -------------------------------------------------------------------------


def areas_of(campaign: LetterCampaign) -> list[Area]:
    """By region: the areas that have decision-makers (actions.targets.lookup), sorted by name."""
    return areas_with_targets(campaign.coalition_id)


def regions_of(campaign: LetterCampaign) -> list[str]:
    """By region: the names of the areas that have decision-makers, sorted."""
    return [area.name for area in areas_of(campaign)]


def recipients(campaign: LetterCampaign, area: Area | str = "") -> list[Target]:
    """Fixed: the campaign's targets. By region: the coalition's decision-makers for the writer's
    area (given by name alone: those whose region is that name, compared without case and extra
    spaces)."""
    if campaign.target_mode == TargetMode.FIXED:
        return list(campaign.targets)
    area = area if isinstance(area, Area) else Area("", area.strip())
    if not area.code and not name_key(area.name):
        return []
    return targets_in(campaign.coalition_id, area)
