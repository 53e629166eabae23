"""Coalitions' mailings as messaging sees them (messaging knows no domain; this package tells it):
whose each mailing is and who may manage it (``MAILING_OWNERS``), the coalition's supporters as an
audience segment (``SUPPORTERS``), and a coalition's mailings, newest first."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.coalitions.models import Coalition, Organisation
from organiser.core.models import User
from organiser.db import db
from organiser.messaging.models import Mailing
from organiser.messaging.owners import MailingOwner, OwnerPolicy
from organiser.messaging.services.audiences import Segment


def mailings_of(coalition: Coalition) -> list[Mailing]:
    query = select(Mailing).where(Mailing.coalition_id == coalition.id).order_by(Mailing.created_at.desc())
    return list(db.session.scalars(query))


def mailing_owner(mailing: Mailing) -> MailingOwner:
    """A mailing goes out in its coalition; an organisation's is sent by the organisation."""
    organisation = db.session.get(Organisation, mailing.organisation_id) if mailing.organisation_id else None
    return MailingOwner(db.session.get(Coalition, mailing.coalition_id), organisation)


def may_manage_mailing(mailing: Mailing, user: User) -> bool:
    """A coalition's mailing: whoever manages the coalition. An organisation's mailing is the
    organisation's (its supporters agreed to hear from it, not from the coalition): only its
    admins and platform admins; the coalition's coordinators see that it exists, nothing more."""
    owner = mailing_owner(mailing)
    return bool((owner.organisation or owner.coalition).can_manage(user))


MAILING_OWNERS = OwnerPolicy(mailing_owner, may_manage_mailing)


def _supporter_choices(coalition: Coalition) -> list[tuple[dict[str, object], str]]:
    return [({}, _("Everyone who agreed to hear from %(name)s", name=coalition.name))]


def _supporters(mailing: object, params: dict[str, object]) -> object:
    """People in the coalition's tree; the consent filter then keeps those who agreed to hear from it."""
    from organiser.people.models import Person

    coalition = db.session.get(Coalition, mailing.coalition_id)  # type: ignore[attr-defined]
    root = coalition.lineage()[-1]
    return select(Person.id).where(Person.tree_id == root.id)


SUPPORTERS = Segment("coalition_supporters", _supporter_choices, _supporters)
