"""The API's collections, registered once: the routes, the entry point and the OpenAPI document are
all built from this registry, so what is served and what is described cannot drift apart.

A collection says which rows a key sees (SQL conditions from its scope), how a page of rows becomes
OSDI items (one batch, never a query per row), the JSON Schema of its own fields, which timestamps
stand for its created and modified dates, and the filters it takes beyond those dates. A nested
collection (a petition's signatures) names its parent. The writes and the helpers to come register
beside them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func

from organiser.api.scope import ApiScope
from organiser.db import as_utc

Render = Callable[[Sequence[Any], ApiScope], list[dict[str, Any]]]
Filter = Callable[[str], Any]  # the value of ``field eq '…'`` → an SQL condition


@dataclass(frozen=True)
class Collection:
    name: str  # the collection's OSDI name, and its address: "people"
    item: str  # OSDI's name of one of them: "person" (its link relation is osdi:person)
    model: Any
    summary: str
    visible: Callable[[ApiScope], list[Any]]  # SQL conditions: the rows this key sees
    render: Render  # a page of rows → each item's own fields, and "_links" to others ({rel: href})
    properties: dict[str, Any]  # the JSON Schema of those fields
    created: str = "created_at"
    modified: tuple[str, ...] = ("created_at",)  # the latest of these, in this order, is the modification
    links: tuple[str, ...] = ()  # the link relations besides self, for the schema
    parent: str | None = None  # a nested collection: its parent collection's name
    parent_key: str = ""  # and the column naming the parent
    filters: dict[str, Filter] = field(default_factory=dict)
    key: str = "id"  # the column that numbers the items (within the parent, for a nested collection)

    @property
    def id_column(self) -> Any:
        return getattr(self.model, self.key)

    def id_of(self, row: Any) -> int:
        return getattr(row, self.key)

    def identifier(self, row: Any) -> str:
        if self.key == "id":
            return f"organiser:{row.id}"
        return f"organiser:{self.parent_id_of(row)}-{self.id_of(row)}"

    @property
    def rel(self) -> str:
        return f"osdi:{self.name}"

    def column(self, name: str) -> Any:
        return getattr(self.model, name)

    def modified_expression(self) -> Any:
        columns = [self.column(name) for name in self.modified]
        return columns[0] if len(columns) == 1 else func.coalesce(*columns)

    def modified_of(self, row: Any) -> datetime:
        return next(v for v in (getattr(row, name) for name in self.modified) if v is not None)

    def parent_id_of(self, row: Any) -> int | None:
        return getattr(row, self.parent_key) if self.parent else None


REGISTRY: dict[str, Collection] = {}
# Operations other than the collections' reads (the writes, the helpers, webhooks), as OpenAPI
# describes them: path (under /api/v1) → method → operation. Their routes are added to the API's
# blueprint (organiser.api.framework.bp) by the module that registers them, before it is registered.
OPERATIONS: dict[str, dict[str, dict[str, Any]]] = {}


def register(collection: Collection) -> Collection:
    REGISTRY[collection.name] = collection
    return collection


def register_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    """Describe one more operation in the OpenAPI document (its responses may use
    ``organiser.api.openapi.error_responses()``)."""
    OPERATIONS.setdefault(path, {})[method.lower()] = operation


def top_level() -> list[Collection]:
    return [c for c in REGISTRY.values() if c.parent is None]


def children_of(name: str) -> list[Collection]:
    return [c for c in REGISTRY.values() if c.parent == name]


# ---- representation -----------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    """A time in UTC, ISO 8601 with a Z."""
    value = as_utc(value)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def list_url(collection: Collection, parent_id: int | None = None, **args: Any) -> str:
    if collection.parent:
        return url_for(f"api.{collection.name}", parent_id=parent_id, _external=True, **args)
    return url_for(f"api.{collection.name}", _external=True, **args)


def item_url(collection: Collection, item_id: int, parent_id: int | None = None) -> str:
    endpoint = f"api.{collection.name}_item"
    if collection.parent:
        return url_for(endpoint, parent_id=parent_id, item_id=item_id, _external=True)
    return url_for(endpoint, item_id=item_id, _external=True)


def href(name: str, item_id: int | None, parent_id: int | None = None) -> str | None:
    """The address of one item of the collection ``name`` (None for none)."""
    return item_url(REGISTRY[name], item_id, parent_id) if item_id is not None else None


def represent(collection: Collection, rows: Sequence[Any], scope: ApiScope) -> list[dict[str, Any]]:
    """Each row as an OSDI item: identifiers, origin, dates, its fields and its links."""
    items = []
    for row, fields in zip(rows, collection.render(rows, scope), strict=True):
        links = {"self": {"href": item_url(collection, collection.id_of(row), collection.parent_id_of(row))}}
        links.update({rel: {"href": url} for rel, url in fields.pop("_links", {}).items() if url})
        for child in children_of(collection.name):
            links[child.rel] = {"href": list_url(child, collection.id_of(row))}
        items.append(
            {
                "identifiers": [collection.identifier(row)],
                "origin_system": "Organiser",
                "created_date": iso(getattr(row, collection.created)),
                "modified_date": iso(collection.modified_of(row)),
                **fields,
                "_links": links,
            }
        )
    return items


# ---- the OData-style filter ---------------------------------------------------------------------

_CLAUSE = re.compile(r"\s*([a-z_]+)\s+(eq|gt|lt)\s+'([^'\x00-\x1f]*)'\s*")
_AND = re.compile(r"and\s+")
DATE_FIELDS = ("modified_date", "created_date")
# The filter as the OpenAPI document describes it (what it allows, this parser accepts).
DATE_PATTERN = (
    r"[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z)?"
)
VALUE_PATTERN = r"[^'\u0000-\u001f]*"


class FilterError(ValueError):
    pass


def _clauses(text: str) -> list[tuple[str, str, str]]:
    """``name op 'value'`` clauses joined by ``and`` (a value may hold anything but a quote)."""
    found, at = [], 0
    while True:
        match = _CLAUSE.match(text, at)
        if match is None:
            raise FilterError(_("Write the filter as: modified_date gt '2026-01-01'"))
        found.append(match.groups())
        at = match.end()
        if at == len(text):
            return found
        joined = _AND.match(text, at)
        if joined is None:
            raise FilterError(_("Join the parts of a filter with: and"))
        at = joined.end()


def filter_pattern(collection: Collection) -> str:
    dates = f"({'|'.join(DATE_FIELDS)}) (gt|lt) '{DATE_PATTERN}'"
    own = [f"{name} eq '{VALUE_PATTERN}'" for name in collection.filters]
    clause = f"({'|'.join([dates, *own])})"
    return f"^{clause}( and {clause})*$"


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        message = _("%(value)s is not a date (use 2026-01-31 or 2026-01-31T09:00:00Z).", value=value)
        raise FilterError(message) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def filter_conditions(collection: Collection, text: str) -> list[Any]:
    """``modified_date gt '2026-01-01'`` (or ``lt``; also ``created_date``), and the collection's own
    ``field eq '…'`` filters, joined by ``and``; a FilterError says what is wrong."""
    conditions = []
    for name, op, value in _clauses(text):
        if name in DATE_FIELDS and op in ("gt", "lt"):
            column = (
                collection.modified_expression()
                if name == "modified_date"
                else collection.column(collection.created)
            )
            moment = _moment(value)
            conditions.append(column > moment if op == "gt" else column < moment)
        elif name in collection.filters and op == "eq":
            conditions.append(collection.filters[name](value))
        else:
            allowed = [f"{d} gt|lt" for d in DATE_FIELDS] + [f"{f} eq" for f in collection.filters]
            raise FilterError(
                _(
                    "%(name)s %(op)s cannot be filtered on here; use: %(allowed)s.",
                    name=name,
                    op=op,
                    allowed=", ".join(allowed),
                )
            )
    return conditions
