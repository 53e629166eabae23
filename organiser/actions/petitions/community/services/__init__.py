"""Petitions started by supporters, operation by operation: ``settings`` (each coalition's rules),
``starting`` (the start form, the creator's confirmation, their changes and closing), ``supporting``
(the first supporters through the private link), ``moderation`` (the coordinators' decision and
adoption), ``updates`` (the creator's news to the signers, once a coordinator approves it)."""

from organiser.actions.petitions.community.services.moderation import (
    adopt,
    approve,
    community_of,
    queue_of,
    reject,
    waiting_updates,
)
from organiser.actions.petitions.community.services.settings import rules_for, save_rules
from organiser.actions.petitions.community.services.starting import (
    CommunityStateError,
    close_by_creator,
    confirm_creator,
    edit_petition,
    start_petition,
)
from organiser.actions.petitions.community.services.supporting import (
    add_supporter,
    confirm_supporter,
    is_gathering,
    supporters,
)
from organiser.actions.petitions.community.services.updates import (
    approve_update,
    may_post_update,
    post_update,
    reject_update,
    updates_of,
)

__all__ = [
    "CommunityStateError",
    "add_supporter",
    "adopt",
    "approve",
    "approve_update",
    "close_by_creator",
    "community_of",
    "confirm_creator",
    "confirm_supporter",
    "edit_petition",
    "is_gathering",
    "may_post_update",
    "post_update",
    "queue_of",
    "reject",
    "reject_update",
    "rules_for",
    "save_rules",
    "start_petition",
    "supporters",
    "updates_of",
    "waiting_updates",
]
