"""An assembly's testimonies (published ones only, with the witness named only as they chose) and its
demands with their status and what they became."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from organiser.api.collections.assemblies import events_visible
from organiser.api.collections.schema import MAYBE_TEXT, MAYBE_TIME, TEXT, one_of
from organiser.api.registry import Collection, href, iso, register
from organiser.api.scope import ApiScope
from organiser.assemblies.demands.models import Demand, DemandStatus
from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals.models import Publication, Testimony, TestimonyStatus
from organiser.assemblies.tribunals.services.page import shown

NAMED = (Publication.NAMED, Publication.PSEUDONYM)


def _events(scope: ApiScope) -> Any:
    return select(Assembly.id).where(*events_visible(scope))


def _testimonies_visible(scope: ApiScope) -> list[Any]:
    """What the tribunal's public page shows, to every key: approved, and public."""
    return [
        Testimony.assembly_id.in_(_events(scope)),
        Testimony.status == TestimonyStatus.APPROVED,
        Testimony.publication != Publication.NOT_PUBLIC,
    ]


def _testimonies(rows: Sequence[Testimony], scope: ApiScope) -> list[dict[str, Any]]:
    items = []
    for testimony in rows:
        public = shown(testimony)  # the public page's rule for who is named, and how
        named = testimony.publication in NAMED and public.who in (testimony.name, testimony.pseudonym)
        items.append(
            {
                "organiser:witness": public.who if named else None,
                "organiser:anonymous": not named,
                "organiser:witness_kind": public.witness_kind,
                "organiser:language": public.language,
                "organiser:theme": public.theme,
                "organiser:account": public.account,
                "_links": {"osdi:event": href("events", testimony.assembly_id)},
            }
        )
    return items


register(
    Collection(
        name="testimonies",
        item="testimony",
        model=Testimony,
        summary="A tribunal's published testimonies (the witness named only as they chose)",
        visible=_testimonies_visible,
        render=_testimonies,
        properties={
            "organiser:witness": MAYBE_TEXT,
            "organiser:anonymous": {"type": "boolean"},
            "organiser:witness_kind": TEXT,
            "organiser:language": TEXT,
            "organiser:theme": TEXT,
            "organiser:account": TEXT,
        },
        modified=("moderated_at", "created_at"),
        links=("osdi:event",),
        parent="events",
        parent_key="assembly_id",
    )
)


def _demands_visible(scope: ApiScope) -> list[Any]:
    conditions = [Demand.assembly_id.in_(_events(scope))]
    if not scope.is_coordinator:
        conditions.append(Demand.status != DemandStatus.PROPOSED)  # decided by the assembly
    return conditions


def _demands(rows: Sequence[Demand], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "organiser:text": d.text,
            "organiser:addressed_to": d.addressed_to,
            "organiser:theme": d.theme,
            "organiser:status": str(d.status),
            "organiser:decided_date": iso(d.decided_at),
            "organiser:outcome": str(d.outcome) if d.outcome else None,
            "organiser:outcome_note": d.outcome_note,
            "_links": {
                "osdi:event": href("events", d.assembly_id),
                "osdi:petition": href("petitions", d.petition_id),
                "osdi:advocacy_campaign": href("advocacy_campaigns", d.campaign_id),
            },
        }
        for d in rows
    ]


register(
    Collection(
        name="demands",
        item="demand",
        model=Demand,
        summary="An assembly's demands, their status and the actions they launched",
        visible=_demands_visible,
        render=_demands,
        properties={
            "organiser:text": TEXT,
            "organiser:addressed_to": TEXT,
            "organiser:theme": TEXT,
            "organiser:status": one_of(*(str(s) for s in DemandStatus)),
            "organiser:decided_date": MAYBE_TIME,
            "organiser:outcome": MAYBE_TEXT,
            "organiser:outcome_note": TEXT,
        },
        modified=("launched_at", "decided_at", "created_at"),
        links=("osdi:event", "osdi:petition", "osdi:advocacy_campaign"),
        parent="events",
        parent_key="assembly_id",
    )
)
