"""How a person voted on an assembly's demands is theirs to see and download (a political opinion):
registered with privacy. Erasing the person anonymises their registration, and the votes stay with
it, tied to no one, so the results stay right: there is nothing more to erase here."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organiser.assemblies.demands.models import Demand, Vote
from organiser.assemblies.models import Assembly, Registration
from organiser.db import db
from organiser.people.models import Person
from organiser.privacy.registry import PersonalData


def _collect(person: Person) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Vote, Demand.text, Assembly.title)
        .join(Demand, Demand.id == Vote.demand_id)
        .join(Registration, Registration.id == Vote.registration_id)
        .join(Assembly, Assembly.id == Registration.assembly_id)
        .where(Registration.person_id == person.id)
        .order_by(Vote.cast_at, Vote.id)
    ).all()
    return [
        {
            "assembly": title,
            "demand": text,
            "vote": str(vote.choice),
            "at_kiosk": vote.at_kiosk,
            "cast_at": vote.cast_at,
        }
        for vote, text, title in rows
    ]


VOTES = PersonalData(
    name="demand_votes",
    label=_l("Your votes on assemblies' demands"),
    collect=_collect,
    erase=lambda person: 0,  # anonymised with the registration (assemblies' own source)
)
