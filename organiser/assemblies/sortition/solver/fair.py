"""Maximin and leximin distributions over panels by column generation (Flanigan, Gölz, Gupta, Hennig and
Procaccia, "Fair algorithms for selecting citizens' assemblies", Nature 596, 2021, methods section).

Master: over the panels found so far, a linear program chooses probabilities ``p`` to maximise ``z``, the
smallest selection probability of the people not yet fixed, while each fixed person keeps at least their
fixed value. Its dual gives a weight ``y_i >= 0`` per person (summing to 1 over those not fixed) and a
price ``mu``. Pricing: the panel of largest total weight (``panels.best_panel``); if it weighs more than
``mu`` it improves the master and joins it, otherwise the master is optimal over *all* panels. Whatever
the pricing finds, ``(best weight) - sum(fixed values * y)`` bounds ``z`` from above (weak duality), so
the gap is known at every step.

Leximin: once ``z`` is optimal, everyone with a positive dual weight is at ``z`` in every optimal
solution, and by symmetry so is everyone of their type; they are fixed at ``z`` and the next smallest
is maximised, until everyone is fixed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, hstack

from organiser.assemblies.sortition.solver.model import Distribution, make_distribution
from organiser.assemblies.sortition.solver.panels import Compiled, best_panel

TOLERANCE = 1e-6  # stop when the proven bound is this close to the value reached
FIX_SLACK = 1e-7  # fixed people keep at least their value minus this (room for rounding)

Progress = Callable[[float, str], None]


class _Master:
    def __init__(self, c: Compiled) -> None:
        self.c = c
        self.panels: list[np.ndarray] = []
        self.seen: set[bytes] = set()
        self.fixed = np.full(c.n, np.nan)
        self.p = np.zeros(0)

    def add(self, panel: np.ndarray) -> bool:
        key = np.sort(panel).tobytes()
        if key in self.seen:
            return False
        self.seen.add(key)
        self.panels.append(np.sort(panel))
        return True

    def matrix(self) -> csr_matrix:
        rows = np.concatenate(self.panels)
        cols = np.repeat(np.arange(len(self.panels)), [len(p) for p in self.panels])
        return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.c.n, len(self.panels)))

    def probabilities(self) -> np.ndarray:
        return self.matrix() @ self.p

    def solve(self) -> tuple[float, np.ndarray, float]:
        """(z, duals y per person, mu)."""
        A = self.matrix()
        free = np.isnan(self.fixed)
        P = A.shape[1]
        A_ub = hstack([-A, csr_matrix(free.astype(float).reshape(-1, 1))]).tocsr()
        b_ub = np.where(free, 0.0, -np.nan_to_num(self.fixed))
        A_eq = csr_matrix(np.concatenate([np.ones(P), [0.0]]).reshape(1, -1))
        c = np.zeros(P + 1)
        c[-1] = -1.0
        result = linprog(
            c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0], bounds=[(0, None)] * P + [(0, 1)], method="highs"
        )
        if result.status != 0:
            raise RuntimeError(f"the master program failed: {result.message}")
        self.p = result.x[:P]
        y = np.maximum(-result.ineqlin.marginals, 0.0)
        return float(result.x[-1]), y, float(-result.eqlin.marginals[0])


class _Clock:
    def __init__(self, time_limit: float, progress: Progress | None) -> None:
        self.deadline = time.monotonic() + time_limit
        self.progress = progress
        self.last = 0.0

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def report(self, fraction: float, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if self.progress and (force or now - self.last >= 0.5):
            self.last = now
            self.progress(min(max(fraction, 0.0), 1.0), text)


def _initial_panels(master: _Master, clock: _Clock, rng: np.random.Generator) -> None:
    """Diverse panels: multiplicative weights (each pick makes its members less attractive), then a panel
    for anyone still in none, if one exists."""
    c = master.c
    weights = np.ones(c.n)
    count = np.zeros(c.n)
    rounds = int(min(300, max(20, 2 * np.ceil(c.n / c.k))))
    for r in range(rounds):
        panel, _, _ = best_panel(c, weights, count + rng.random(c.n), time_limit=max(clock.left(), 1))
        master.add(panel)
        count[panel] += 1
        weights[panel] *= 0.7
        weights /= weights.max()
        clock.report(0.1 * r / rounds, "finding first panels")
        if clock.left() <= 0:
            return
    while clock.left() > 0:
        missing = count == 0
        if not missing.any():
            return
        panel, _, _ = best_panel(c, missing.astype(float), count, time_limit=max(clock.left(), 1))
        if not missing[panel].any():
            return  # the rest are in no panel that meets the quotas
        master.add(panel)
        count[panel] += 1


def _optimise(master: _Master, clock: _Clock, phase: Callable[[float, float], None]) -> tuple[float, float]:
    """Column generation for the current fixings: (z reached, proven upper bound on z)."""
    c = master.c
    bound = np.inf
    while True:
        z, y, mu = master.solve()
        fixed = ~np.isnan(master.fixed)
        panel, value, upper = best_panel(c, y, master.probabilities(), time_limit=max(clock.left(), 1))
        bound = min(bound, upper - float(np.dot(np.nan_to_num(master.fixed[fixed]), y[fixed])))
        phase(z, bound)
        if value <= mu + TOLERANCE / 10 or bound - z <= TOLERANCE or clock.left() <= 0:
            return z, max(bound, z)
        master.add(panel)


def fair_distribution(
    c: Compiled, method: str, time_limit: float, progress: Progress | None = None, seed: int = 0
) -> Distribution:
    clock = _Clock(time_limit, progress)
    master = _Master(c)
    _initial_panels(master, clock, np.random.default_rng(seed))
    share = 1.0 if method == "maximin" else 0.5

    def maximin_phase(z: float, bound: float) -> None:
        clock.report(
            0.1 + (share - 0.1) * (z / bound if bound > 0 else 1), f"maximin: {z:.5f} (bound {bound:.5f})"
        )

    z, bound = _optimise(master, clock, maximin_phase)
    reached = "maximin"
    if method == "leximin":
        reached = _leximin(master, clock, z)
    clock.report(1.0, f"{reached}: done", force=True)
    panels = [([c.ids[i] for i in panel], p) for panel, p in zip(master.panels, master.p, strict=True)]
    return make_distribution(method, reached, c.ids, panels, upper_bound=bound)


def _leximin(master: _Master, clock: _Clock, z: float) -> str:
    """Fix the people at the minimum (whole types), maximise the next; "leximin" if everyone got fixed."""
    c = master.c
    while clock.left() > 0:
        y = master.solve()[1]
        free = np.isnan(master.fixed)
        at_minimum = free & (y > 1e-9)
        if not at_minimum.any():
            at_minimum = free & (master.probabilities() <= z + TOLERANCE)
        types = np.unique(c.type_of[at_minimum])
        master.fixed[free & np.isin(c.type_of, types)] = max(z - FIX_SLACK, 0.0)
        fixed = int((~np.isnan(master.fixed)).sum())
        if fixed == c.n:
            return "leximin"

        def phase(value: float, bound: float, fixed: int = fixed) -> None:
            clock.report(0.5 + 0.5 * fixed / c.n, f"leximin: {fixed} of {c.n} fixed, next {value:.5f}")

        z, _ = _optimise(master, clock, phase)
    return "maximin"
