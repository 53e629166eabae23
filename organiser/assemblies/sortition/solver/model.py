"""The selection library's data: quotas, an instance, a distribution over panels, and the draw.

The draw, so that anyone can re-run it from what is published:

1. Write the distribution as canonical JSON (``canonical_json``): the object
   ``{"method", "reached", "panels": [{"members": [...], "probability": p}, ...], "probabilities": {...}}``
   with keys sorted, no spaces (separators ``,`` and ``:``), UTF-8, probabilities as the shortest
   decimal that reads back as the same IEEE double (Python's ``repr``). Panels are listed in canonical
   order: each panel's member ids sorted, panels sorted by those tuples. Its SHA-256 names it.
2. Compute ``u = int(SHA-256(seed + "\\n" + canonical_json).hexdigest(), 16) / 2**256`` (the seed and
   the JSON as UTF-8), a number in [0, 1).
3. Walk the panels in canonical order adding up their probabilities; the panel drawn is the first one
   where the running total exceeds ``u`` (the last panel if rounding leaves ``u`` beyond the total).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

METHODS = ("legacy", "maximin", "leximin")


@dataclass(frozen=True)
class Quota:
    category: str
    feature: str
    min: int
    max: int

    def describe(self) -> str:
        return f"{self.category} = {self.feature} (min {self.min}, max {self.max})"


@dataclass(frozen=True)
class Instance:
    people: Mapping[str, Mapping[str, str]]  # person id -> {category: feature}
    quotas: tuple[Quota, ...]
    panel_size: int
    households: Mapping[str, str] | None = None  # person id -> household key: at most one per household


@dataclass(frozen=True)
class Distribution:
    method: str  # asked for: "legacy" | "maximin" | "leximin"
    reached: str  # achieved: "leximin", "maximin" (leximin out of time), or "legacy"
    panels: tuple[tuple[tuple[str, ...], float], ...]  # (sorted member ids, probability), canonical order
    probabilities: Mapping[str, float] = field(compare=True)  # person id -> selection probability
    minimum: float
    upper_bound: float | None  # proven upper bound on the maximin value (None for legacy)

    def to_json(self) -> dict:
        return {
            "method": self.method,
            "reached": self.reached,
            "panels": [{"members": list(members), "probability": p} for members, p in self.panels],
            "probabilities": dict(sorted(self.probabilities.items())),
        }

    @classmethod
    def from_json(cls, data: dict) -> Distribution:
        panels = canonical_panels(
            (tuple(str(m) for m in panel["members"]), float(panel["probability"])) for panel in data["panels"]
        )
        probabilities = {str(k): float(v) for k, v in data["probabilities"].items()}
        bound = data.get("upper_bound")
        return cls(
            method=str(data["method"]),
            reached=str(data.get("reached", data["method"])),
            panels=panels,
            probabilities=probabilities,
            minimum=min(probabilities.values(), default=0.0),
            upper_bound=None if bound is None else float(bound),
        )


class Infeasible(Exception):
    """No panel meets every quota; ``conflicts`` are quotas that cannot be met together."""

    def __init__(self, conflicts: tuple[Quota, ...], message: str) -> None:
        super().__init__(message)
        self.conflicts = conflicts
        self.message = message


def canonical_panels(
    panels: Iterable[tuple[Iterable[str], float]],
) -> tuple[tuple[tuple[str, ...], float], ...]:
    """Members sorted within each panel, equal panels merged, panels sorted."""
    merged: dict[tuple[str, ...], float] = {}
    for members, probability in panels:
        key = tuple(sorted(members))
        merged[key] = merged.get(key, 0.0) + probability
    return tuple(sorted(merged.items()))


def make_distribution(
    method: str,
    reached: str,
    people: Iterable[str],
    panels: Iterable[tuple[Iterable[str], float]],
    upper_bound: float | None,
) -> Distribution:
    """Clean a solver's panels (drop those below 1e-9, renormalise) and derive each person's probability."""
    kept = [(tuple(members), float(p)) for members, p in panels if p > 1e-9]
    total = sum(p for _, p in kept)
    if not kept or total <= 0:
        raise ValueError("no panel has a positive probability")
    ordered = canonical_panels((members, p / total) for members, p in kept)
    probabilities = dict.fromkeys(people, 0.0)
    for members, p in ordered:
        for person in members:
            probabilities[person] += p
    return Distribution(
        method=method,
        reached=reached,
        panels=ordered,
        probabilities=dict(sorted(probabilities.items())),
        minimum=min(probabilities.values(), default=0.0),
        upper_bound=upper_bound,
    )


def canonical_json(distribution: Distribution) -> str:
    """What is published; its SHA-256 names the distribution (see the module's docstring)."""
    data = distribution.to_json()
    data["panels"] = [
        {"members": list(members), "probability": p} for members, p in canonical_panels(distribution.panels)
    ]
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def distribution_sha256(distribution: Distribution) -> str:
    return hashlib.sha256(canonical_json(distribution).encode("utf-8")).hexdigest()


def draw(distribution: Distribution, seed: str) -> tuple[str, ...]:
    """The panel drawn with ``seed``: deterministic, by the procedure in the module's docstring."""
    published = canonical_json(distribution)
    digest = hashlib.sha256((seed + "\n" + published).encode("utf-8")).hexdigest()
    u = int(digest, 16) / 2**256
    panels = canonical_panels(distribution.panels)
    if not panels:
        raise ValueError("the distribution has no panel")
    running = 0.0
    for members, probability in panels:
        running += probability
        if running > u:
            return members
    return panels[-1][0]


def replacement_instance(instance: Instance, kept: Iterable[str], removed: Iterable[str]) -> Instance:
    """The instance for re-drawing the seats of ``removed``: the ``kept`` members are fixed (out of the pool,
    their features taken off the quotas, their households closed), the ``removed`` people are gone."""
    kept = set(kept)
    gone = kept | set(removed)
    unknown = kept - set(instance.people)
    if unknown:
        raise ValueError(f"not in the pool: {', '.join(sorted(unknown))}")
    households = instance.households or {}
    closed = {households[p] for p in kept if p in households}
    people = {
        person: features
        for person, features in instance.people.items()
        if person not in gone and (person not in households or households[person] not in closed)
    }
    quotas = []
    for quota in instance.quotas:
        taken = sum(1 for p in kept if instance.people[p].get(quota.category) == quota.feature)
        quotas.append(
            Quota(quota.category, quota.feature, max(0, quota.min - taken), max(0, quota.max - taken))
        )
    remaining_households = (
        {p: h for p, h in households.items() if p in people} if instance.households else None
    )
    return Instance(
        people=people,
        quotas=tuple(quotas),
        panel_size=instance.panel_size - len(kept),
        households=remaining_households,
    )
