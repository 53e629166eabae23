"""The greedy method still common in practice (the Sortition Foundation's "legacy" selection), and its
selection probabilities estimated by running it many times.

One run: while seats remain, take the feature value whose unmet minimum is most urgent relative to the
people still available with it (the largest (min - selected) / available; once every minimum is met
this favours the values furthest from their maximum share), then a person with that value uniformly at
random. After each pick, everyone whose selection would break a maximum (or share the pick's
household) leaves the pool. A run that gets stuck (a minimum out of reach, nobody left) starts again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from organiser.assemblies.sortition.solver.model import Distribution, Instance, make_distribution


class _Pool:
    def __init__(self, instance: Instance) -> None:
        self.ids = sorted(instance.people)
        quotas = instance.quotas
        self.k = instance.panel_size
        self.low = np.array([q.min for q in quotas])
        self.high = np.array([q.max for q in quotas])
        matrix = np.zeros((len(self.ids), len(quotas)), dtype=np.int64)
        for i, person in enumerate(self.ids):
            features = instance.people[person]
            for q, quota in enumerate(quotas):
                if features.get(quota.category) == quota.feature:
                    matrix[i, q] = 1
        self.matrix = matrix
        self.members = [np.flatnonzero(matrix[:, q]) for q in range(len(quotas))]
        self.person_quotas = [np.flatnonzero(row) for row in matrix]
        households = instance.households or {}
        groups: dict[str, list[int]] = {}
        for i, person in enumerate(self.ids):
            if person in households:
                groups.setdefault(households[person], []).append(i)
        self.housemates = {i: np.array(g) for g in groups.values() if len(g) > 1 for i in g}

    def run(self, rng: np.random.Generator) -> list[int] | None:
        alive = np.ones(len(self.ids), dtype=bool)
        remaining = self.matrix.sum(axis=0)
        selected = np.zeros_like(remaining)
        panel: list[int] = []
        for _ in range(self.k):
            eligible = (remaining > 0) & (selected < self.high)
            if not eligible.any():
                return None
            ratio = np.where(eligible, (self.low - selected) / np.maximum(remaining, 1), -np.inf)
            top = ratio.max()
            if top > 1:
                return None
            quota = rng.choice(np.flatnonzero(ratio == top))
            candidates = self.members[quota][alive[self.members[quota]]]
            person = int(candidates[rng.integers(len(candidates))])
            panel.append(person)
            leaving = [np.array([person])]
            selected[self.person_quotas[person]] += 1
            for q in self.person_quotas[person]:
                if selected[q] >= self.high[q]:
                    leaving.append(self.members[q])
            if person in self.housemates:
                leaving.append(self.housemates[person])
            gone = np.unique(np.concatenate(leaving))
            gone = gone[alive[gone]]
            alive[gone] = False
            remaining -= self.matrix[gone].sum(axis=0)
        return panel if (selected >= self.low).all() else None


def legacy_distribution(
    instance: Instance,
    runs: int = 2000,
    seed: int = 0,
    progress: Callable[[float, str], None] | None = None,
) -> Distribution:
    """Panels from ``runs`` seeded runs of the greedy method, each with its observed frequency."""
    pool = _Pool(instance)
    rng = np.random.default_rng(seed)
    counts: Counter[tuple[str, ...]] = Counter()
    done = attempts = 0
    while done < runs:
        attempts += 1
        if attempts > 20 * runs + 100:
            raise RuntimeError(f"the greedy method got stuck in {attempts - done} of {attempts} runs")
        panel = pool.run(rng)
        if panel is None:
            continue
        counts[tuple(sorted(pool.ids[i] for i in panel))] += 1
        done += 1
        if progress and done % 200 == 0:
            progress(done / runs, f"legacy: {done} of {runs} runs")
    return make_distribution(
        "legacy", "legacy", pool.ids, ((m, n / runs) for m, n in counts.items()), upper_bound=None
    )
