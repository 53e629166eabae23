"""An assembly's registrants as mailing segments, by status: those with a confirmed place (not yet
checked in), those who took part, those on the waitlist. Messaging's usual rules apply on top: only
people whose consent covers the mailing's sender get it, and never the suppressed."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.assemblies.models import Assembly, AssemblyStatus, Registration, RegistrationStatus
from organiser.db import db
from organiser.messaging.services.audiences import Segment

STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED, RegistrationStatus.WAITLISTED)


def _label(status: str, title: str) -> str:
    if status == RegistrationStatus.CONFIRMED:
        return _("People with a confirmed place at “%(title)s” (not checked in)", title=title)
    if status == RegistrationStatus.ATTENDED:
        return _("People who took part in “%(title)s”", title=title)
    return _("People on the waitlist of “%(title)s”", title=title)


def _choices(coalition: Any) -> list[tuple[dict[str, Any], str]]:
    """Each of the coalition's own public assemblies, by status; latest first."""
    assemblies = db.session.execute(
        select(Assembly.id, Assembly.title)
        .where(Assembly.coalition_id == coalition.id, Assembly.status != AssemblyStatus.DRAFT)
        .order_by(Assembly.starts_at.desc())
    ).all()
    return [
        ({"assembly_id": assembly_id, "status": str(status)}, _label(status, title))
        for assembly_id, title in assemblies
        for status in STATUSES
    ]


def _registrants(mailing: Any, params: dict[str, Any]) -> Any:
    """People registered with that status for one of the mailing coalition's own assemblies."""
    status = str(params.get("status", ""))
    if status not in {str(s) for s in STATUSES}:
        status = "none"
    return (
        select(Registration.person_id)
        .join(Assembly, Assembly.id == Registration.assembly_id)
        .where(
            Registration.assembly_id == int(params.get("assembly_id", 0)),
            Assembly.coalition_id == mailing.coalition_id,
            Registration.status == status,
            Registration.person_id.is_not(None),
        )
    )


REGISTRANTS = Segment("assembly_registrants", _choices, _registrants)
