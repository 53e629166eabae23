"""The published standards: why a coordinator may reject a petition started by a supporter (each
rejection names one of these, and its creator is told which), and the words for where a petition
stands. The standards page (``/community/standards``) lists them all, so anyone can see the rules
before starting one, as the UK Parliament's petitions site publishes its standards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Reason:
    label: Any  # what the creator is told it was rejected for
    explanation: Any  # what the standards page says of it


REJECTION_REASONS: dict[str, Reason] = {
    "duplicate": Reason(
        _l("There is already a petition about the same thing"),
        _l(
            "We do not publish a petition that asks for the same thing as one already open. Sign and share "
            "that one: together the signatures count for more."
        ),
    ),
    "outside_aims": Reason(
        _l("It is outside the coalition's aims"),
        _l(
            "A petition must fit the coalition's principles, shown on its page. Petitions against them, or "
            "about something the coalition does not work on, are not published."
        ),
    ),
    "no_clear_action": Reason(
        _l("It does not ask for a clear action"),
        _l(
            "A petition must ask a decision-maker to do something specific. A statement of opinion, or a "
            "question, is not published."
        ),
    ),
    "wrong_decision_maker": Reason(
        _l("The decision-maker named cannot do what it asks"),
        _l("A petition must be addressed to someone who has the power to do what it asks."),
    ),
    "offensive": Reason(
        _l("It is offensive, abusive or discriminatory"),
        _l(
            "We do not publish language that is offensive, abusive or that could stir up hatred against "
            "anyone, for who they are."
        ),
    ),
    "harm_to_people": Reason(
        _l("It could harm named people"),
        _l(
            "We do not publish accusations against named people, anything that could be defamatory, or "
            "anything that could put someone at risk."
        ),
    ),
    "personal_information": Reason(
        _l("It includes someone's personal information"),
        _l(
            "We do not publish anyone's address, telephone number, medical details or other private "
            "information."
        ),
    ),
    "false_claims": Reason(
        _l("It makes claims that are false or cannot be checked"),
        _l(
            "Facts given in a petition must be true. We may ask for a source, and do not publish claims "
            "that are false or misleading."
        ),
    ),
    "commercial": Reason(
        _l("It promotes a business, a product or a party"),
        _l(
            "We do not publish advertising, fundraising for a business, or campaigning for a political "
            "party or candidate."
        ),
    ),
    "unclear": Reason(
        _l("It is unclear, or a joke"),
        _l(
            "A petition must be understandable and meant seriously. It may be started again in clearer words."
        ),
    ),
}

STATE_LABELS = {
    "pending": _l("Waiting for you to confirm your e-mail address"),
    "collecting": _l("Gathering its first supporters"),
    "moderation": _l("Being checked by the coordinators"),
    "published": _l("Published"),
    "rejected": _l("Not published"),
    "withdrawn": _l("Closed by its creator before publication"),
}

UPDATE_LABELS = {
    "waiting": _l("Waiting for a coordinator's approval"),
    "approved": _l("Approved and sent"),
    "rejected": _l("Not sent"),
}


def reason_label(key: str) -> Any:
    reason = REJECTION_REASONS.get(key)
    return reason.label if reason is not None else key
