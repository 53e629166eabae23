"""Coordinators' tags and who carries them (taggings). An organisation's admins tag nobody and see
no tags, so its key sees none either."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, false, or_, select

from organiser.api.collections.schema import TEXT
from organiser.api.registry import Collection, href, register
from organiser.api.scope import ApiScope
from organiser.people.models import PersonTag, Tag


def _tags_visible(scope: ApiScope) -> list[Any]:
    """The tags the coalition's coordinators use: their tree's, made by the coalition, a chapter under
    it or an alliance above it (as organiser.supporters.tagging shows them)."""
    if not scope.is_coordinator:
        return [false()]
    return [
        or_(
            *(
                and_(Tag.tree_id == v.root.id, Tag.coalition_id.in_(v.lineage_ids + v.coalition_ids))
                for v in scope.viewers
            )
        )
    ]


def _tags(rows: Sequence[Tag], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {"name": t.name, "_links": {"organiser:coalition": href("coalitions", t.coalition_id)}} for t in rows
    ]


register(
    Collection(
        name="tags",
        item="tag",
        model=Tag,
        summary="Coordinators' tags",
        visible=_tags_visible,
        render=_tags,
        properties={"name": TEXT},
        links=("organiser:coalition",),
    )
)


def _taggings_visible(scope: ApiScope) -> list[Any]:
    tags = select(Tag.id).where(*_tags_visible(scope))
    return [PersonTag.tag_id.in_(tags), PersonTag.person_id.in_(scope.person_ids())]


def _taggings(rows: Sequence[PersonTag], scope: ApiScope) -> list[dict[str, Any]]:
    return [
        {
            "item_type": "osdi:person",
            "_links": {"osdi:person": href("people", t.person_id), "osdi:tag": href("tags", t.tag_id)},
        }
        for t in rows
    ]


register(
    Collection(
        name="taggings",
        item="tagging",
        model=PersonTag,
        summary="The people a tag is on (numbered by the person)",
        visible=_taggings_visible,
        render=_taggings,
        properties={"item_type": TEXT},
        links=("osdi:person", "osdi:tag"),
        parent="tags",
        parent_key="tag_id",
        key="person_id",
    )
)
