"""What the supporters' pages may ask of assemblies (``organiser.people.activity``): who registered for
a coalition's assemblies (confirmed: with a place, on the waitlist, cancelled since, or there), when,
and a person's registrations. Read-only; answers are SQL to combine, or plain values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from organiser.assemblies.models import Assembly, AssemblyStatus, Registration, RegistrationStatus
from organiser.assemblies.views.labels import REGISTRATION_LABELS
from organiser.db import as_utc, db
from organiser.people.activity import Act, ActivitySource
from organiser.web.urls import path_for


def _assemblies(coalition_ids: Sequence[int]) -> list[tuple[int | None, str]]:
    rows = db.session.execute(
        select(Assembly.id, Assembly.title)
        .where(Assembly.coalition_id.in_(coalition_ids), Assembly.status != AssemblyStatus.DRAFT)
        .order_by(Assembly.starts_at.desc(), Assembly.id.desc())
    ).all()
    choices: list[tuple[int | None, str]] = [(None, _("Registered for any assembly"))]
    return choices + [(id_, _("Registered for “%(title)s”", title=title)) for id_, title in rows]


def _registrations(coalition_ids: Sequence[int]) -> Select[Any]:
    return (
        select(
            Registration.person_id.label("person_id"),
            func.coalesce(Registration.confirmed_at, Registration.created_at).label("at"),
        )
        .join(Assembly, Assembly.id == Registration.assembly_id)
        .where(
            Assembly.coalition_id.in_(coalition_ids),
            Registration.status != RegistrationStatus.PENDING,
            Registration.person_id.is_not(None),
        )
    )


def _registrants(coalition_ids: Sequence[int], assembly_id: int | None) -> Select[Any]:
    query = _registrations(coalition_ids).with_only_columns(Registration.person_id)
    return query if assembly_id is None else query.where(Registration.assembly_id == assembly_id)


def _registered(person_id: int, coalition_ids: Sequence[int]) -> list[Act]:
    rows = db.session.execute(
        select(Assembly.title, Assembly.slug, Registration.status, Registration.confirmed_at)
        .join(Registration, Registration.assembly_id == Assembly.id)
        .where(
            Registration.person_id == person_id,
            Assembly.coalition_id.in_(coalition_ids),
            Registration.status != RegistrationStatus.PENDING,
        )
    ).all()
    return [
        Act(
            "assembly",
            title,
            path_for("assemblies.public", slug=slug),
            _("Registered: %(status)s", status=REGISTRATION_LABELS.get(status, status)),
            as_utc(when),
        )
        for title, slug, status, when in rows
    ]


REGISTRATIONS = ActivitySource("assembly", _assemblies, _registrants, _registrations, _registered)
