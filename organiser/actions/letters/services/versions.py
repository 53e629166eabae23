"""A campaign's suggested letters (its versions): the writer's name and area filled in, the versions
a new campaign starts with, and the edit page's changes to them, logged like the other fields.

A version letters were written with never changes and never goes: changing its words archives it
and puts a new version in its place (same position and label), removing it archives it. So each
letter keeps the words it started from — what pacing compares it with, and what the digest shows
once. A version no letter names is changed in place, or deleted. The first version is never
removed: a campaign always has one to offer."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.letters.models import Letter, LetterCampaign, LetterVersion
from organiser.db import db, utcnow

log = logging.getLogger(__name__)

MAX_VERSIONS = 6  # what a writer can still read through on a phone
_TAG = re.compile(r"\{\{\s*(name|area)\s*\}\}")
TEXT_FIELDS = ("label", "subject", "body")


def fill(text: str, *, name: str, area: str) -> str:
    """``{{ name }}`` and ``{{ area }}`` in a version's text, as the writer's name and area."""
    values = {"name": name.strip(), "area": area.strip()}
    return _TAG.sub(lambda match: values[match.group(1)], text)


def has_tags(text: str) -> bool:
    return _TAG.search(text) is not None


def name_of(version: LetterVersion, number: int) -> str:
    """How a version is named to writers and coordinators: its label, or "Version 2"."""
    return version.label or _("Version %(num)s", num=number)


def version_names(campaign: LetterCampaign) -> dict[int, str]:
    """Each version's name: as writers see it now, or, no longer offered, as it was."""
    names = {v.id: name_of(v, n) for n, v in enumerate(campaign.live_versions, 1)}
    for version in campaign.versions:
        if version.id not in names:
            old = name_of(version, version.position)
            names[version.id] = _("%(version)s (no longer offered)", version=old)
    return names


@dataclass
class VersionText:
    """A version as a form sends it: ``id`` names one of the campaign's live versions (empty: a new
    one), ``remove`` asks for it to go."""

    id: str = ""
    label: str = ""
    subject: str = ""
    body: str = ""
    remove: bool = False

    @property
    def empty(self) -> bool:
        return not (self.label.strip() or self.subject.strip() or self.body.strip())

    def words(self) -> tuple[str, str, str]:
        return (self.label.strip(), self.subject.strip(), self.body.strip())


def _words(version: LetterVersion) -> tuple[str, str, str]:
    return (version.label, version.subject, version.body)


def add_versions(campaign: LetterCampaign, texts: list[VersionText]) -> None:
    """A new campaign's versions, in order (empty ones and those asked to go are left out)."""
    for text in texts:
        if not text.empty and not text.remove:
            _add(campaign, text)
    db.session.flush()


def _add(campaign: LetterCampaign, text: VersionText, position: int | None = None) -> LetterVersion:
    if position is None:
        position = max((v.position for v in campaign.versions), default=0) + 1
    label, subject, body = text.words()
    version = LetterVersion(position=position, label=label, subject=subject, body=body)
    campaign.versions.append(version)
    return version


def unknown_ids(campaign: LetterCampaign, texts: list[VersionText]) -> list[int]:
    """The indexes of the texts that name a version this campaign does not offer (any more)."""
    live = {str(v.id) for v in campaign.live_versions}
    return [index for index, text in enumerate(texts) if text.id and text.id not in live]


def _has_letters(version: LetterVersion) -> bool:
    query = select(Letter.id).where(Letter.version_id == version.id).limit(1)
    return version.id is not None and db.session.scalar(query) is not None


def update_versions(campaign: LetterCampaign, texts: list[VersionText]) -> list[dict[str, Any]]:
    """Apply the edit page's versions (the first text is the first version, kept whatever it says);
    the changes, for the campaign's log: ``{"version": "Version 2", "field": "body", "old": …,
    "new": …}``, or ``"event"`` "added" / "removed" (``"kept"``: archived for its letters)."""
    live = campaign.live_versions
    by_id = {str(v.id): v for v in live}
    changes: list[dict[str, Any]] = []
    count = len(live)
    for index, text in enumerate(texts):
        version = live[0] if index == 0 else by_id.get(text.id)
        if version is None:
            if not text.empty and not text.remove:
                count += 1
                added = _add(campaign, text)
                changes.append({"version": name_of(added, count), "event": "added", "new": text.body})
            continue
        number = live.index(version) + 1
        if text.remove and index > 0:
            changes.append(_remove(version, number))
        elif text.words() != _words(version):
            changes += _change(campaign, version, text, number)
    db.session.flush()
    return changes


def _remove(version: LetterVersion, number: int) -> dict[str, Any]:
    kept = _has_letters(version)
    if kept:
        version.archived_at = utcnow()
    else:
        version.campaign.versions.remove(version)
    return {"version": name_of(version, number), "event": "removed", "old": version.body, "kept": kept}


def _change(
    campaign: LetterCampaign, version: LetterVersion, text: VersionText, number: int
) -> list[dict[str, Any]]:
    """The fields that changed; a version with letters is archived, a new one takes its place."""
    changes = [
        {"version": name_of(version, number), "field": field, "old": old, "new": new}
        for field, old, new in zip(TEXT_FIELDS, _words(version), text.words(), strict=True)
        if old != new
    ]
    if _has_letters(version):
        version.archived_at = utcnow()
        _add(campaign, text, position=version.position)
    else:
        version.label, version.subject, version.body = text.words()
    return changes


def version_texts(campaign: LetterCampaign) -> list[VersionText]:
    """The live versions as the edit page shows them."""
    return [VersionText(str(v.id), *_words(v)) for v in campaign.live_versions]
