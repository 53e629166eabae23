"""Coalitions (chapters are coalitions with a parent) and organisations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import url_for
from sqlalchemy import exists, false

from organiser.api.collections.schema import MAYBE_TEXT, TEXT, TEXTS
from organiser.api.registry import Collection, href, register
from organiser.api.scope import ApiScope
from organiser.coalitions.models import Coalition, Membership, Organisation


def _coalitions(rows: Sequence[Coalition], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "slug": c.slug,
            "country": c.country,
            "languages": list(c.languages or []),
            "description": c.description,
            "is_chapter": c.parent_id is not None,
            "browser_url": url_for("coalitions.show", slug=c.slug, _external=True),
            # the parent's address whether or not the key sees it (a chapter's key gets a 403 there)
            "_links": {"organiser:parent": href("coalitions", c.parent_id)},
        }
        for c in rows
    ]


register(
    Collection(
        name="coalitions",
        item="coalition",
        model=Coalition,
        summary="Coalitions and their chapters",
        visible=lambda scope: [scope.in_coalitions(Coalition.id)],
        render=_coalitions,
        properties={
            "name": TEXT,
            "slug": TEXT,
            "country": MAYBE_TEXT,
            "languages": TEXTS,
            "description": TEXT,
            "is_chapter": {"type": "boolean"},
            "browser_url": TEXT,
        },
        links=("organiser:parent",),
    )
)


def _organisations_visible(scope: ApiScope) -> list[Any]:
    if scope.organisation_id is not None:
        return [Organisation.id == scope.organisation_id]
    if not scope.coalition_ids:
        return [false()]
    member = exists().where(
        Membership.organisation_id == Organisation.id, Membership.coalition_id.in_(scope.coalition_ids)
    )
    return [member]


def _organisations(rows: Sequence[Organisation], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "name": o.name,
            "slug": o.slug,
            "type": str(o.type),
            "country": o.country,
            "region": o.region,
            "website": o.website,
            "description": o.description,
        }
        for o in rows
    ]


register(
    Collection(
        name="organisations",
        item="organisation",
        model=Organisation,
        summary="Member organisations (and applicants) of the key's coalitions",
        visible=_organisations_visible,
        render=_organisations,
        properties={
            "name": TEXT,
            "slug": TEXT,
            "type": TEXT,
            "country": MAYBE_TEXT,
            "region": TEXT,
            "website": TEXT,
            "description": TEXT,
        },
    )
)
