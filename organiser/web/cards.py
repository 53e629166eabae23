"""What a public listing shows of one thing (an open action, an outcome, a search result), as plain
values, and a page of such a list.

Packages that own the rows (``actions.listings``, ``assemblies.listings``, ``coalitions.search``)
build ``Card``s; the pages that list them (``organiser.hub``) filter, sort and cut them into pages,
and ``templates/hub/_card.html`` draws them. Nothing here knows a model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from math import ceil
from typing import Generic, TypeVar

PETITION, LETTERS, ASSEMBLY, COALITION = "petition", "letters", "assembly", "coalition"
ACTION_KINDS = (PETITION, LETTERS, ASSEMBLY)


@dataclass(frozen=True)
class Card:
    kind: str  # PETITION, LETTERS, ASSEMBLY or COALITION
    id: int
    title: str
    url: str
    coalition_id: int
    coalition_name: str = ""
    country: str | None = None  # the coalition's (actions have none of their own)
    summary: str = ""  # the ask, why write, the description
    status: str = ""  # open, closed, delivered; an assembly's published, cancelled or held (ended)
    count: int = 0  # confirmed signatures, letters sent, places taken
    goal: int | None = None  # a petition's
    places_left: int | None = None  # an assembly's
    starts_at: datetime | None = None  # an assembly's, in UTC
    timezone: str = ""  # an assembly's own zone
    since: datetime | None = None  # opened or published: the newest first among equals
    week: int = 0  # signatures, letters or registrations in the last seven days
    # An outcome: "delivered", "answered", "won" or "partly_won", when, and what was said.
    outcome: str = ""
    outcome_on: date | None = None
    note: str = ""
    note_by: str = ""
    rank: float = 0.0  # a search result's relevance


T = TypeVar("T")


@dataclass(frozen=True)
class Paginated(Generic[T]):
    """One page of a list: its items, which page it is (from 1), how many there are, in all."""

    items: Sequence[T]
    page: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(items: Sequence[T], page: int, per_page: int) -> Paginated[T]:
    """The ``page``-th slice of ``items`` (a page past the end shows the last one)."""
    pages = max(1, ceil(len(items) / per_page))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    return Paginated(items[start : start + per_page], page, pages, len(items))


def page_number(value: str | None) -> int:
    """A ``?page=`` value as a page number: anything that is not a small positive number is page 1."""
    text = (value or "").strip()
    if not text.isdecimal() or len(text) > 6:
        return 1
    return max(int(text), 1)


def page_url(parameter: str, number: int, anchor: str = "") -> str:
    """This page's address with ``parameter`` set to page ``number`` (left out for page 1), its other
    query parameters kept: the links of a list's pages."""
    from flask import request, url_for

    values = {**request.args.to_dict(), **(request.view_args or {})}
    values.pop(parameter, None)
    if number > 1:
        values[parameter] = number
    return url_for(request.endpoint or "coalitions.index", **values) + (f"#{anchor}" if anchor else "")
