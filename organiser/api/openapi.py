"""The OpenAPI 3.1 document of the API, built from the registry the routes are built from."""

from __future__ import annotations

import functools
from typing import Any

from organiser.api.framework import HAL, MAX_ID, MAX_PAGE, MAX_PER_PAGE, OSDI_VERSION, PREFIX, TOKEN_HEADER
from organiser.api.registry import OPERATIONS, REGISTRY, Collection, children_of, filter_pattern

LINK = {"type": "object", "required": ["href"], "properties": {"href": {"type": "string"}}}
LINKS = {
    "oneOf": [
        {"$ref": "#/components/schemas/Link"},
        {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
    ]
}
ERROR = {
    "type": "object",
    "required": ["status", "error", "message"],
    "properties": {
        "status": {"type": "integer"},
        "error": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "The parameters or fields in error, by name, each with what is wrong.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
ERRORS = {
    "400": "A parameter is not valid (named in errors).",
    "401": f"No key, or an unknown or revoked one, in the {TOKEN_HEADER} header.",
    "403": "The object is outside the key's scope.",
    "404": "There is no such object.",
    "429": "Too many requests for this key (see Retry-After).",
}
TIME = {"type": "string", "format": "date-time"}
ID_PARAMETER = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {HAL: {"schema": schema}}}


def error_responses() -> dict[str, Any]:
    error = {"$ref": "#/components/schemas/Error"}
    answers = {code: _json(error, text) for code, text in ERRORS.items()}
    answers["429"]["headers"] = {"Retry-After": {"schema": {"type": "string"}, "required": True}}
    return answers


def _item_schema(collection: Collection) -> dict[str, Any]:
    link_names = ("self", *collection.links, *(child.rel for child in children_of(collection.name)))
    return {
        "type": "object",
        "required": ["identifiers", "origin_system", "created_date", "modified_date", "_links"],
        "properties": {
            "identifiers": {"type": "array", "items": {"type": "string", "pattern": "^organiser:"}},
            "origin_system": {"const": "Organiser"},
            "created_date": TIME,
            "modified_date": TIME,
            **collection.properties,
            "_links": {
                "type": "object",
                "required": ["self"],
                "properties": {name: {"$ref": "#/components/schemas/Link"} for name in link_names},
            },
        },
    }


def _page_schema(collection: Collection) -> dict[str, Any]:
    item = {"$ref": f"#/components/schemas/{_name(collection)}"}
    count = {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "required": ["total_pages", "per_page", "page", "total_records", "_links", "_embedded"],
        "properties": {
            "total_pages": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "page": {"type": "integer", "minimum": 1},
            "total_records": count,
            "_links": {"type": "object", "required": ["self"], "additionalProperties": LINKS},
            "_embedded": {
                "type": "object",
                "required": [collection.rel],
                "properties": {collection.rel: {"type": "array", "items": item, "maxItems": MAX_PER_PAGE}},
            },
        },
    }


def _name(collection: Collection) -> str:
    return "".join(part.capitalize() for part in collection.item.split("_"))


def _parameters(collection: Collection) -> list[dict[str, Any]]:
    path = []
    if collection.parent:
        path.append({"name": "parent_id", "in": "path", "required": True, "schema": ID_PARAMETER})
    return path


def _list_operation(collection: Collection) -> dict[str, Any]:
    filters = ", ".join([f"`{name} eq '…'`" for name in collection.filters] or ["none"])
    return {
        "summary": collection.summary,
        "operationId": f"list_{collection.name}",
        "parameters": [
            *_parameters(collection),
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
            {
                "name": "per_page",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 25},
            },
            {
                "name": "after",
                "in": "query",
                "description": "The rows after this id: the next links carry it, so that a deep page is as "
                "fast as the first.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
            },
            {
                "name": "filter",
                "in": "query",
                "description": "OData style: `modified_date gt '2026-01-01'` (or lt; also created_date), "
                f"joined by `and`. Other filters: {filters}.",
                "schema": {"type": "string", "pattern": filter_pattern(collection)},
            },
        ],
        "responses": {
            "200": _json(
                {"$ref": f"#/components/schemas/{_name(collection)}Page"}, "A page of the collection."
            ),
            **error_responses(),
        },
    }


def _item_operation(collection: Collection) -> dict[str, Any]:
    return {
        "summary": f"One {collection.item.replace('_', ' ')}",
        "operationId": f"get_{collection.item}",
        "parameters": [
            *_parameters(collection),
            {"name": "item_id", "in": "path", "required": True, "schema": ID_PARAMETER},
        ],
        "responses": {
            "200": _json({"$ref": f"#/components/schemas/{_name(collection)}"}, "The item."),
            **error_responses(),
        },
    }


def _path(collection: Collection) -> str:
    if collection.parent:
        return f"{PREFIX}/{collection.parent}/{{parent_id}}/{collection.name}"
    return f"{PREFIX}/{collection.name}"


@functools.cache
def document() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Link": LINK, "Error": ERROR}
    paths: dict[str, Any] = {
        f"{PREFIX}/": {
            "get": {
                "summary": "The entry point: the collections, the page size, the OSDI version",
                "operationId": "entry_point",
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/EntryPoint"}, "The entry point."),
                    **{k: v for k, v in error_responses().items() if k in ("401", "429")},
                },
            }
        }
    }
    schemas["EntryPoint"] = {
        "type": "object",
        "required": ["osdi_version", "max_pagesize", "_links"],
        "properties": {
            "osdi_version": {"const": OSDI_VERSION},
            "max_pagesize": {"const": MAX_PER_PAGE},
            "_links": {"type": "object", "required": ["self", "curies"]},
        },
    }
    for collection in REGISTRY.values():
        schemas[_name(collection)] = _item_schema(collection)
        schemas[f"{_name(collection)}Page"] = _page_schema(collection)
        paths[_path(collection)] = {"get": _list_operation(collection)}
        paths[f"{_path(collection)}/{{item_id}}"] = {"get": _item_operation(collection)}
    for path, operations in OPERATIONS.items():
        paths.setdefault(f"{PREFIX}{path}", {}).update(operations)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Organiser API",
            "version": "1",
            "description": f"Organiser's data in the shape of OSDI {OSDI_VERSION} (HAL+JSON). Send a key in "
            f"the {TOKEN_HEADER} header; each key sees what its coalition's coordinators, or its "
            "organisation's admins, see in the pages.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {TOKEN_HEADER: {"type": "apiKey", "in": "header", "name": TOKEN_HEADER}},
        },
        "security": [{TOKEN_HEADER: []}],
    }
