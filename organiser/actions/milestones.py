"""Milestones: tell coordinators and sponsors once when a petition's count crosses one.

A stub in this branch: another branch writes the real module with this same signature. The
counting code (organiser/actions/counting.py) calls it each time a petition's count rises.
"""

from __future__ import annotations

from organiser.actions.models import Petition


def check_milestones(petition: Petition) -> list[int]:
    """The milestones newly crossed by ``petition.signature_count`` (idempotent). Stub: none."""
    return []
