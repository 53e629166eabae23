"""What packages above coalitions add to its public pages: the home page and a coalition's page.

Coalitions sit below actions and assemblies, so their pages cannot ask for petitions or assemblies
themselves: a package that can (``organiser.hub``) registers a function per page, which gets the
coalition (None on the home page) and answers with a template and its values, or None to show
nothing. ``templates/coalitions/_showcase.html`` includes each answer where the page has room."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from organiser.coalitions.models import Coalition

HOME, COALITION = "home", "coalition"


@dataclass(frozen=True)
class Section:
    template: str
    values: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Coalition | None], Section | None]
_providers: dict[str, dict[str, Provider]] = {HOME: {}, COALITION: {}}


def register_section(page: str, name: str, provider: Provider) -> None:
    """``provider(coalition)`` gives what ``page`` (HOME or COALITION) shows of ``name``, or None."""
    _providers[page][name] = provider


def sections(page: str, coalition: Coalition | None = None) -> list[Section]:
    found = (provider(coalition) for provider in _providers[page].values())
    return [section for section in found if section is not None]
