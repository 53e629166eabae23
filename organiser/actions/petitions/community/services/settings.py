"""Each coalition's rules for petitions from supporters: whether it takes them, and how many
supporters one needs before the coordinators see it. A chapter without rules of its own follows its
alliance's; with none anywhere, the platform's (``ORGANISER_COMMUNITY_SUPPORTERS``, 5 by default, as
the UK Parliament's petitions site asks)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app

from organiser.actions.petitions.community.models import CommunitySettings
from organiser.db import db, utcnow

log = logging.getLogger(__name__)

MAX_SUPPORTERS = 100


@dataclass(frozen=True)
class Rules:
    open_to_supporters: bool
    supporters_needed: int
    own: bool  # set by this coalition itself (not inherited)


def rules_for(coalition: Any) -> Rules:
    """The rules that apply to petitions started in this coalition."""
    for node in coalition.lineage():
        row = db.session.get(CommunitySettings, node.id)
        if row is not None:
            return Rules(row.open_to_supporters, row.supporters_needed, node.id == coalition.id)
    return Rules(True, int(current_app.config["COMMUNITY_SUPPORTERS"]), False)


def save_rules(coalition: Any, *, open_to_supporters: bool, supporters_needed: int, by: Any) -> None:
    """Set this coalition's own rules (its chapters without rules of their own follow them)."""
    row = db.session.get(CommunitySettings, coalition.id)
    if row is None:
        row = CommunitySettings(coalition_id=coalition.id)
        db.session.add(row)
    row.open_to_supporters, row.supporters_needed = open_to_supporters, supporters_needed
    row.updated_at, row.updated_by_id = utcnow(), by.id
    db.session.flush()
    log.info(
        "community petition rules of coalition %s set to open=%s, supporters=%s by %s",
        coalition.id,
        open_to_supporters,
        supporters_needed,
        by.id,
    )
