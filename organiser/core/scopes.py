"""Where a role applies. Core knows scopes only by name; each domain package registers its own
(coalitions register coalitions and organisations, assemblies their assemblies), so the
dependencies keep pointing one way: core ← coalitions ← actions, assemblies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScopeKind:
    name: str  # "coalition", "organisation", "assembly"
    load: Callable[[int], Any]  # id → object with a ``name``, or None
    grant_choices: Callable[[], list[tuple[int, str]]]  # (id, label) pairs for an invitation form


_kinds: dict[str, ScopeKind] = {}


def register_scope(kind: ScopeKind) -> None:
    _kinds[kind.name] = kind


def scope_kind(name: str) -> ScopeKind | None:
    return _kinds.get(name)


def load_scope(name: str, scope_id: int | None) -> Any:
    kind = _kinds.get(name)
    return kind.load(scope_id) if kind is not None and scope_id else None
