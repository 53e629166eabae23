"""Co-sponsors of a petition: member organisations invited by the coordinators, who accept or decline;
their tracking links; and the supporters each one brought in who agreed to hear from it.

A signature is attributed to a sponsor when it came through the tracking link of a sponsor that
had accepted at the time (``Signature.sponsor_organisation_id``). The sponsor's supporters are the
confirmed signers so attributed — on a petition it still co-sponsors — whose consent to hear from
that organisation stands today. Unconfirmed signatures never count: confirming proves the address
belongs to the person who gave the consent. Someone who unsubscribed from everyone on the platform
(or complained) is not handed over either: the export leaves the platform, and they asked for no
more mail from anyone.

``invitations``: who may be invited, inviting, and the organisation's answer. ``codes``: a
petition's sponsors as its pages and signers meet them (tracking links and codes, the sponsor's
consent box). ``supporters``: the supporters a sponsor brought in, their export, and the mailing
segment of them.
"""

from organiser.actions.petitions.sponsors.codes import (
    PETITIONS,
    accepted_sponsors,
    forget_codes,
    page_context,
    sponsor_consent_wording,
    sponsor_for_code,
    sponsor_for_signing,
    sponsors_of,
    tracking_link,
)
from organiser.actions.petitions.sponsors.invitations import (
    CODE_PATTERN,
    SponsorError,
    eligible_organisations,
    invitable_organisations,
    invite_sponsor,
    respond,
    sponsorships_of,
)
from organiser.actions.petitions.sponsors.supporters import (
    SPONSOR_SUPPORTERS,
    SUPPORTER_COLUMNS,
    export_supporters,
    mailing_coalition,
    supporters_of,
)

__all__ = [
    "CODE_PATTERN",
    "PETITIONS",
    "SPONSOR_SUPPORTERS",
    "SUPPORTER_COLUMNS",
    "SponsorError",
    "accepted_sponsors",
    "eligible_organisations",
    "export_supporters",
    "forget_codes",
    "invitable_organisations",
    "invite_sponsor",
    "mailing_coalition",
    "page_context",
    "respond",
    "sponsor_consent_wording",
    "sponsor_for_code",
    "sponsor_for_signing",
    "sponsors_of",
    "sponsorships_of",
    "supporters_of",
    "tracking_link",
]
