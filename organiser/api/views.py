"""The API's routes, built from the registry: the entry point, each collection and each of its
items, and the OpenAPI document. Load (a missing row is a 404) → authorise (outside the key's scope,
a 403) → answer."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from organiser.api import collections, openapi  # noqa: F401 (the collections register)
from organiser.api.framework import (
    CURIE,
    MAX_ID,
    MAX_PER_PAGE,
    OSDI_VERSION,
    ApiError,
    Paging,
    bp,
    current_scope,
    hal,
    paging,
    refuse_unknown_parameters,
)
from organiser.api.registry import (
    REGISTRY,
    Collection,
    FilterError,
    filter_conditions,
    list_url,
    represent,
    top_level,
)
from organiser.api.scope import ApiScope
from organiser.db import db

ID = f"int(min=1, max={MAX_ID})"


def entry_point() -> Response:
    """The collections this API serves, with their links, the page size and the OSDI version."""
    refuse_unknown_parameters()
    key = current_scope().key
    links: dict[str, Any] = {
        "self": {"href": url_for("api.entry_point", _external=True)},
        "curies": [{"name": "osdi", "href": CURIE, "templated": True}],
        "organiser:openapi": {"href": url_for("api.openapi", _external=True)},
    }
    for collection in top_level():
        links[collection.rel] = {"href": list_url(collection), "title": collection.summary}
    owner = key.owner
    return hal(
        {
            "motd": _("Organiser's API, in the shape of OSDI %(version)s.", version=OSDI_VERSION),
            "vendor_name": "Organiser",
            "product_name": "Organiser",
            "osdi_version": OSDI_VERSION,
            "max_pagesize": MAX_PER_PAGE,
            "namespace": "organiser",
            "organiser:key": {
                "name": key.name,
                "owner": "coalition" if key.coalition_id else "organisation",
                "owner_name": owner.name,
                "owner_slug": owner.slug,
            },
            "_links": links,
        }
    )


def _load(collection: Collection, item_id: int, parent_id: int | None, scope: ApiScope) -> Any:
    """The row, if there is one (404) and the key may see it (403)."""
    named = [collection.id_column == item_id]
    if collection.parent:
        _load(REGISTRY[collection.parent], parent_id, None, scope)  # type: ignore[arg-type]
        named.append(collection.column(collection.parent_key) == parent_id)
    row = db.session.scalar(select(collection.model).where(*named))
    if row is None:
        raise ApiError(404, _("There is no such %(item)s.", item=collection.item.replace("_", " ")))
    seen = select(collection.id_column).where(*named, *collection.visible(scope))
    if db.session.scalar(seen) is None:
        raise ApiError(403, _("This key may not see this %(item)s.", item=collection.item.replace("_", " ")))
    return row


def _page_links(collection: Collection, parent_id: int | None, asked: Paging, pages: int, last: Any) -> dict:
    kept = {k: v for k, v in request.args.items() if k == "filter"}

    def at(number: int, **cursor: int) -> dict[str, str]:
        return {
            "href": list_url(collection, parent_id, page=number, per_page=asked.per_page, **kept, **cursor)
        }

    self_cursor = {"after": asked.after} if asked.after is not None else {}
    links: dict[str, Any] = {"self": at(asked.page, **self_cursor)}
    if asked.page < pages and last is not None:
        links["next"] = at(asked.page + 1, after=collection.id_of(last))
    if asked.page > 1:
        links["previous"] = at(min(asked.page - 1, pages))
    return links


def list_items(collection: Collection, parent_id: int | None = None) -> Response:
    """A page of the collection, as the key sees it: count and page from the same conditions."""
    scope = current_scope()
    conditions = list(collection.visible(scope))
    if collection.parent:
        _load(REGISTRY[collection.parent], parent_id, None, scope)  # type: ignore[arg-type]
        conditions.append(collection.column(collection.parent_key) == parent_id)
    asked = paging()
    if (text := request.args.get("filter")) is not None:
        try:
            conditions += filter_conditions(collection, text)
        except FilterError as error:
            raise ApiError(400, _("The filter is not valid."), {"filter": [str(error)]}) from None
    model = collection.model
    total = db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    after = [collection.id_column > asked.after] if asked.after is not None else []
    rows = db.session.scalars(
        select(model)
        .where(*conditions, *after)
        .order_by(collection.id_column)
        .limit(asked.per_page)
        .offset(asked.offset)
    ).all()
    pages = asked.total_pages(total)
    items = represent(collection, rows, scope)
    return hal(
        {
            "total_pages": pages,
            "per_page": asked.per_page,
            "page": asked.page,
            "total_records": total,
            "_links": {
                **_page_links(collection, parent_id, asked, pages, rows[-1] if rows else None),
                "curies": [{"name": "osdi", "href": CURIE, "templated": True}],
                collection.rel: [item["_links"]["self"] for item in items],
            },
            "_embedded": {collection.rel: items},
        }
    )


def show_item(collection: Collection, item_id: int, parent_id: int | None = None) -> Response:
    refuse_unknown_parameters()
    scope = current_scope()
    row = _load(collection, item_id, parent_id, scope)
    return hal(represent(collection, [row], scope)[0])


def openapi_document() -> Response:
    """The OpenAPI 3.1 description of this API, built from the same registry (no key needed)."""
    response = hal(openapi.document())
    response.mimetype = "application/json"
    return response


def _path(collection: Collection) -> str:
    if collection.parent:
        return f"/{collection.parent}/<{ID}:parent_id>/{collection.name}"
    return f"/{collection.name}"


def _add_routes() -> None:
    """The entry point, the document, and two routes (the list, one item) per collection: once, when
    this module is imported (a blueprint is registered on each app, the test suite makes several)."""
    bp.add_url_rule("/", "entry_point", entry_point)
    bp.add_url_rule("/openapi.json", "openapi", openapi_document)
    for collection in REGISTRY.values():
        path = _path(collection)
        bp.add_url_rule(
            path, collection.name, lambda c=collection, **kw: list_items(c, **kw), methods=["GET"]
        )
        bp.add_url_rule(
            f"{path}/<{ID}:item_id>",
            f"{collection.name}_item",
            lambda c=collection, **kw: show_item(c, **kw),
            methods=["GET"],
        )


_add_routes()


def register_routes(app: Flask) -> None:
    app.register_blueprint(bp)
