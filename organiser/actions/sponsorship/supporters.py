"""Who counts as a sponsor's supporter, whatever the action: someone who consents today to hear from
the organisation by e-mail, and has not asked everyone to stop (unsubscribed from everything, or
complained). Each action finds the people it brought in; this keeps those who may be handed over."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists

from organiser.messaging.models import Suppression, SuppressionReason
from organiser.people.models import ConsentState, ConsentSubject, Person


def consenting(query: Any, organisation_id: int) -> Any:
    """``query`` (which selects ``Person``) kept to the people who may be handed over to this
    organisation, with when they gave their consent as its last column."""
    return (
        query.add_columns(ConsentState.updated_at)
        .join(
            ConsentState,
            (ConsentState.person_id == Person.id)
            & (ConsentState.subject_type == ConsentSubject.ORGANISATION)
            & (ConsentState.subject_id == organisation_id)
            & (ConsentState.channel == "email"),
        )
        .where(
            ConsentState.granted.is_(True),
            ~exists().where(
                Suppression.email == Person.email,
                Suppression.reason.in_([SuppressionReason.UNSUBSCRIBED, SuppressionReason.COMPLAINED]),
            ),
        )
    )
