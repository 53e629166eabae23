"""A petition's sponsors as its pages and its signers meet them (``actions.sponsorship.codes`` for
petitions): every sponsor, and the accepted ones the public page names; each one's tracking link,
and the code in it that attributes a signature to the sponsor; and the consent box of the sponsor
whose link brought someone."""

from __future__ import annotations

from functools import partial

from flask_babel import lazy_gettext as _l

from organiser.actions.petitions.models import PetitionSponsor
from organiser.actions.sponsorship import codes
from organiser.actions.sponsorship.codes import forget_codes, sponsor_consent_wording
from organiser.actions.sponsorship.kinds import Sponsored

PETITIONS = Sponsored(
    name="petition",
    model=PetitionSponsor,
    action_column="petition_id",
    action_attribute="petition",
    public_endpoint="petitions.petition",
    sponsors_endpoint="petitions.sponsors",
    answer_endpoint="petitions.sponsorships",
    invitation_template="actions/petitions/email/sponsor_invitation.txt",
    answer_template="actions/petitions/email/sponsor_answer.txt",
    code_taken=_l("Another sponsor of this petition has this code already"),
)

sponsors_of = partial(codes.sponsors_of, PETITIONS)
accepted_sponsors = partial(codes.accepted_sponsors, PETITIONS)
tracking_link = partial(codes.tracking_link, PETITIONS)
sponsor_for_code = partial(codes.sponsor_for_code, PETITIONS)
sponsor_for_signing = partial(codes.sponsor_for_request, PETITIONS)  # (organisation id, name), remembered
page_context = partial(codes.page_context, PETITIONS)

__all__ = [
    "PETITIONS",
    "accepted_sponsors",
    "forget_codes",
    "page_context",
    "sponsor_consent_wording",
    "sponsor_for_code",
    "sponsor_for_signing",
    "sponsors_of",
    "tracking_link",
]
