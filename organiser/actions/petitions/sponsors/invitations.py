"""Inviting a petition's co-sponsors, and their answers (``actions.sponsorship.invitations`` for
petitions): who may be invited, the invitation e-mailed to the organisation's admins, and its
answer, told to the coordinator who invited it."""

from __future__ import annotations

from functools import partial

from organiser.actions.petitions.models import Petition
from organiser.actions.petitions.sponsors.codes import PETITIONS
from organiser.actions.sponsorship import invitations
from organiser.actions.sponsorship.invitations import CODE_PATTERN, SponsorError
from organiser.coalitions.models import Organisation


def eligible_organisations(petition: Petition) -> list[Organisation]:
    """Active members of any coalition in the petition's coalition tree, by name."""
    return invitations.eligible_organisations(petition.coalition)


invitable_organisations = partial(invitations.invitable_organisations, PETITIONS)
invite_sponsor = partial(invitations.invite_sponsor, PETITIONS)
respond = partial(invitations.respond, PETITIONS)
sponsorships_of = partial(invitations.sponsorships_of, PETITIONS)

__all__ = [
    "CODE_PATTERN",
    "SponsorError",
    "eligible_organisations",
    "invitable_organisations",
    "invite_sponsor",
    "respond",
    "sponsorships_of",
]
