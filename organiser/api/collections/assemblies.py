"""Assemblies (OSDI's events) and their registrations (attendances). The link to join online is
shown to registrants only, so it is not here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import url_for
from sqlalchemy import select

from organiser.api.collections.schema import COUNT, FLAG, TEXT, TIME, one_of
from organiser.api.registry import Collection, href, iso, register
from organiser.api.scope import ApiScope
from organiser.assemblies.models import Assembly, AssemblyStatus, Registration, RegistrationStatus

EVENT_STATUS = {
    AssemblyStatus.DRAFT: "tentative",
    AssemblyStatus.PUBLISHED: "confirmed",
    AssemblyStatus.CANCELLED: "cancelled",
}
ATTENDANCE_STATUS = {
    RegistrationStatus.PENDING: "needs action",
    RegistrationStatus.CONFIRMED: "accepted",
    RegistrationStatus.ATTENDED: "accepted",
    RegistrationStatus.WAITLISTED: "tentative",
    RegistrationStatus.CANCELLED: "declined",
}


def events_visible(scope: ApiScope) -> list[Any]:
    conditions = [scope.in_coalitions(Assembly.coalition_id)]
    if not scope.is_coordinator:
        conditions.append(Assembly.status != AssemblyStatus.DRAFT)
    return conditions


def _events(rows: Sequence[Assembly], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "title": a.title,
            "name": a.slug,
            "description": a.description,
            "start_date": iso(a.starts_at),
            "end_date": iso(a.ends_at),
            "status": EVENT_STATUS.get(a.status, "tentative"),
            "capacity": a.capacity,
            "location": {"venue": a.venue},
            "organiser:kind": str(a.kind),
            "organiser:timezone": a.timezone,
            "browser_url": url_for("assemblies.public", slug=a.slug, _external=True),
            "_links": {"organiser:coalition": href("coalitions", a.coalition_id)},
        }
        for a in rows
    ]


register(
    Collection(
        name="events",
        item="event",
        model=Assembly,
        summary="Assemblies, tribunals and meetings",
        visible=events_visible,
        render=_events,
        properties={
            "title": TEXT,
            "name": TEXT,
            "description": TEXT,
            "start_date": TIME,
            "end_date": TIME,
            "status": one_of("tentative", "confirmed", "cancelled"),
            "capacity": COUNT,
            "location": {"type": "object", "properties": {"venue": TEXT}},
            "organiser:kind": TEXT,
            "organiser:timezone": TEXT,
            "browser_url": TEXT,
        },
        modified=("cancelled_at", "published_at", "created_at"),
        links=("organiser:coalition",),
    )
)


def _attendances_visible(scope: ApiScope) -> list[Any]:
    conditions = [Registration.assembly_id.in_(select(Assembly.id).where(*events_visible(scope)))]
    if not scope.is_coordinator:
        conditions += [
            Registration.status != RegistrationStatus.PENDING,
            Registration.person_id.in_(scope.person_ids()),
        ]
    return conditions


def _attendances(rows: Sequence[Registration], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "status": ATTENDANCE_STATUS.get(r.status, "needs action"),
            "attended": r.status == RegistrationStatus.ATTENDED,
            "organiser:status": str(r.status),
            "_links": {
                "osdi:person": href("people", r.person_id),
                "osdi:event": href("events", r.assembly_id),
            },
        }
        for r in rows
    ]


register(
    Collection(
        name="attendances",
        item="attendance",
        model=Registration,
        summary="An assembly's registrations",
        visible=_attendances_visible,
        render=_attendances,
        properties={
            "status": one_of("needs action", "accepted", "tentative", "declined"),
            "attended": FLAG,
            "organiser:status": TEXT,
        },
        modified=("attended_at", "cancelled_at", "promoted_at", "confirmed_at", "created_at"),
        links=("osdi:person", "osdi:event"),
        parent="events",
        parent_key="assembly_id",
    )
)
