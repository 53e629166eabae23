"""Changing a campaign after it is created (its words, its suggested letters, who its letters go to,
whether writers may edit, its close time), each save that changes something logged with the
fields' old and new values."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.letters.models import (
    CampaignStatus,
    LetterCampaign,
    LetterCampaignChange,
    TargetMode,
)
from organiser.actions.letters.services.campaigns import CampaignStateError, regions_of, set_targets
from organiser.actions.letters.services.versions import VersionText, update_versions
from organiser.db import as_utc, db

log = logging.getLogger(__name__)

# What the edit page changes; the address only while a draft (once open, links to it are out). The
# suggested letters are its versions (``services.versions``).
EDITABLE_FIELDS = ("title", "intro", "target_mode", "writers_may_edit", "closes_at")


def _target_names(campaign: LetterCampaign) -> list[str]:
    return sorted(target.name for target in campaign.targets)


def _check_can_change(campaign: LetterCampaign, fields: dict[str, Any], target_ids: list[int]) -> None:
    """Refused: a closed campaign; an open one left with nobody to write to."""
    if campaign.status == CampaignStatus.CLOSED:
        raise CampaignStateError(_("This campaign is closed: it can no longer be changed."))
    if campaign.status != CampaignStatus.OPEN:
        return
    mode = fields.get("target_mode", campaign.target_mode)
    if mode == TargetMode.FIXED and not target_ids:
        raise CampaignStateError(_("The campaign is open: choose at least one decision-maker."))
    if mode == TargetMode.REGION and not regions_of(campaign):
        raise CampaignStateError(_("None of your decision-makers has a region or constituency yet."))


def _shown(campaign: LetterCampaign, name: str, value: Any) -> Any:
    """A field's value as the change log keeps it: yes/no, a close time in the campaign's zone."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "closes_at":
        moment = as_utc(value)
        local = moment.astimezone(campaign.zone) if moment is not None else None
        return f"{local:%Y-%m-%d %H:%M} {campaign.timezone}" if local is not None else ""
    return str(value)


def _same(name: str, old: Any, new: Any) -> bool:
    if name == "closes_at":
        return as_utc(old) == as_utc(new)
    return bool(old == new)


def update_campaign(
    campaign: LetterCampaign,
    *,
    by: Any,
    target_ids: list[int],
    versions: list[VersionText] | None = None,
    **fields: Any,
) -> LetterCampaignChange | None:
    """Change the campaign's details, suggested letters and decision-makers; the change is logged,
    or None if nothing changed. The address (``slug``) is taken only from a draft."""
    _check_can_change(campaign, fields, target_ids)
    if campaign.status != CampaignStatus.DRAFT:
        fields.pop("slug", None)
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        old = getattr(campaign, name)
        if not _same(name, old, value):
            changes[name] = [_shown(campaign, name, old), _shown(campaign, name, value)]
            setattr(campaign, name, value)
    if versions is not None and (version_changes := update_versions(campaign, versions)):
        changes["versions"] = version_changes
    before = _target_names(campaign)
    set_targets(campaign, target_ids)
    if _target_names(campaign) != before:
        changes["targets"] = [before, _target_names(campaign)]
    if not changes:
        return None
    change = LetterCampaignChange(campaign_id=campaign.id, user_id=by.id, changes=changes)
    db.session.add(change)
    db.session.flush()
    log.info("letter campaign %s changed by %s: %s", campaign.id, by.id, ", ".join(sorted(changes)))
    return change


def changes_of(campaign: LetterCampaign) -> list[LetterCampaignChange]:
    """The campaign's change log, newest first."""
    query = (
        select(LetterCampaignChange)
        .where(LetterCampaignChange.campaign_id == campaign.id)
        .order_by(LetterCampaignChange.changed_at.desc(), LetterCampaignChange.id.desc())
    )
    return list(db.session.scalars(query))
