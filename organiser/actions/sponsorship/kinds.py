"""A kind of action that organisations co-sponsor, as the shared sponsorship code needs to know it:
its sponsor model, how a sponsor names its action, its pages and its e-mails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sponsored:
    name: str  # "petition", "letters": in log lines, and to tell remembered codes apart
    model: type[Any]  # the sponsor model (``SponsorshipColumns`` and a key to the action)
    action_column: str  # that key's column: "petition_id"
    action_attribute: str  # the relationship to the action: "petition" (also the e-mails' name for it)
    public_endpoint: str  # the action's public page (``slug``): the tracking link, with ``source``
    sponsors_endpoint: str  # the coordinators' page of the action's sponsors (``slug``)
    answer_endpoint: str  # the organisation's page where its admins answer (``slug``)
    invitation_template: str  # the e-mail to the organisation's admins
    answer_template: str  # the e-mail telling the coordinator who invited what it answered
    code_taken: Any  # the message when another sponsor of the action has the code (lazy)

    @property
    def action_key(self) -> Any:
        return getattr(self.model, self.action_column)

    def action_of(self, sponsor: Any) -> Any:
        return getattr(sponsor, self.action_attribute)
