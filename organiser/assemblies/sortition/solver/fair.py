"""Maximin and leximin distributions over panels by column generation (Flanigan, Gölz, Gupta, Hennig and
Procaccia, "Fair algorithms for selecting citizens' assemblies", Nature 596, 2021, methods section).

People with the same features are interchangeable, so there is an optimal distribution (maximin, and
the leximin one) in which they all have the same probability. The optimisation therefore runs over
*types* and *compositions* (seats per type), then the result is realised with actual people.

Master (``master.Master``): over the compositions found so far, a linear program chooses probabilities
``p`` to maximise ``z``, the smallest selection probability of the types not yet fixed, while each
fixed type keeps at least its fixed value. Its dual gives a weight ``y_t >= 0`` per type and a price
``mu``. Pricing: the composition of largest weight ``sum(y_t * seats_t / size_t)`` meeting every quota
(``panels.best_composition``); if it beats ``mu`` it joins the master, otherwise the master is optimal
over *all* panels. Whatever the pricing finds, its proven bound minus the fixed values' share of the
dual bounds ``z`` from above (weak duality), so the gap to the optimum is known at every step.

Leximin: once ``z`` is optimal, every type with a positive dual weight is at ``z`` in every optimal
solution; those are fixed at ``z`` and the next smallest is maximised, until every type is fixed.

Realisation: each composition is dealt out to people round-robin within each type (a few rotations,
more for likelier compositions); a last program over these panels (people as units, each person's
type probability as target) reweights them, and column generation over people
(``panels.best_panel``) adds panels until every person reaches their target.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from organiser.assemblies.sortition.solver.master import Master
from organiser.assemblies.sortition.solver.model import Distribution, make_distribution
from organiser.assemblies.sortition.solver.panels import Compiled, best_composition, best_panel

TOLERANCE = 1e-7  # stop when the proven bound is this close to the value reached
FIX_SLACK = 1e-9  # fixed types keep at least their value minus this (room for rounding)

Progress = Callable[[float, str], None]


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


def _add_composition(master: Master, c: Compiled, seats: np.ndarray) -> bool:
    types = np.flatnonzero(seats)
    return master.add(types, seats[types] / c.type_size[types])


def _initial(master: Master, c: Compiled, clock: _Clock) -> np.ndarray:
    """Diverse compositions by multiplicative weights, then one for any type still in none if there is one.
    Returns the types no panel can include."""
    count = np.zeros(c.types)
    rounds = int(min(60, max(10, c.types // 5)))
    for r in range(rounds):
        seats, _, _ = best_composition(c, 0.6**count, time_limit=max(clock.left(), 1))
        _add_composition(master, c, seats)
        count += seats / c.type_size
        clock.report(0.05 * r / rounds, "finding first panels")
    while True:
        missing = count == 0
        if not missing.any():
            return missing
        seats, _, _ = best_composition(c, missing.astype(float), time_limit=max(clock.left(), 1))
        if not (seats[missing] > 0).any():
            return missing  # no panel that meets the quotas includes any of these
        _add_composition(master, c, seats)
        count += seats / c.type_size


def _optimise(
    master: Master, c: Compiled, clock: _Clock, phase: Callable[[float, float], None]
) -> tuple[float, float]:
    """Column generation over compositions for the current fixings: (z reached, proven bound on z)."""
    bound = np.inf
    while True:
        z, y, mu = master.solve()
        seats, value, upper = best_composition(c, y / c.type_size, time_limit=max(clock.left(), 1))
        bound = min(bound, upper - master.offset(y))
        phase(z, bound)
        if value <= mu + TOLERANCE / 10 or bound - z <= TOLERANCE or clock.left() <= 0:
            return z, max(bound, z)
        if not _add_composition(master, c, seats):
            return z, max(bound, z)


def _leximin(master: Master, c: Compiled, clock: _Clock, z: float) -> str:
    """Fix the types at the minimum, maximise the next; "leximin" once every type is fixed in time."""
    while clock.left() > 0:
        y = master.solve()[1]
        free = np.isnan(master.fixed)
        at_minimum = free & (y > 1e-9)
        if not at_minimum.any():
            at_minimum = free & (master.coverage() <= z + TOLERANCE)
        master.fixed[at_minimum] = max(z - FIX_SLACK, 0.0)
        fixed = int(c.type_size[~np.isnan(master.fixed)].sum())
        if fixed == c.n:
            return "leximin"

        def phase(value: float, bound: float, fixed: int = fixed) -> None:
            clock.report(0.5 + 0.4 * fixed / c.n, f"leximin: {fixed} of {c.n} people fixed, next {value:.5f}")

        z, _ = _optimise(master, c, clock, phase)
    return "maximin"


def fair_distribution(
    c: Compiled, method: str, time_limit: float, progress: Progress | None = None
) -> Distribution:
    clock = _Clock(time_limit, progress)
    master = Master(c.types)
    unreachable = _initial(master, c, clock)
    master.fixed[unreachable] = 0.0
    share = 0.9 if method == "maximin" else 0.5

    def maximin_phase(z: float, bound: float) -> None:
        fraction = 0.05 + (share - 0.05) * (z / bound if bound > 0 else 1)
        clock.report(fraction, f"maximin: {z:.5f} (bound {bound:.5f})")

    z, bound = _optimise(master, c, clock, maximin_phase)
    reached = _leximin(master, c, clock, z) if method == "leximin" else "maximin"
    clock.report(0.9, "dealing the panels out to people", force=True)
    panels = _realise(c, master, clock)
    clock.report(1.0, f"{reached}: done", force=True)
    if unreachable.any():
        bound = 0.0  # someone is in no panel at all
    named = [([c.ids[i] for i in members], p) for members, p in panels]
    return make_distribution(method, reached, c.ids, named, upper_bound=bound)


def _deal(c: Compiled, compositions: list[tuple[np.ndarray, float]], budget: int) -> list[np.ndarray]:
    """Panels of people for each composition: round-robin within each type, continuing across compositions,
    in as many rotations as a type's cycle needs (at most about ``budget`` panels in all)."""
    members = [np.flatnonzero(c.type_of == t) for t in range(c.types)]  # ids sorted within each type
    pointer = np.zeros(c.types, dtype=np.int64)
    panels = []
    for seats, p in compositions:
        partial = [t for t in np.flatnonzero(seats) if seats[t] < c.type_size[t]]
        cycles = [int(c.type_size[t]) // math.gcd(int(c.type_size[t]), int(seats[t])) for t in partial]
        longest, whole = max(cycles, default=1), math.lcm(*cycles) if cycles else 1
        rotations = whole if whole <= max(longest, budget * p) else longest
        for _ in range(int(rotations)):
            chosen = []
            for t in np.flatnonzero(seats):
                n, s = int(c.type_size[t]), int(seats[t])
                chosen.append(members[t][(pointer[t] + np.arange(s)) % n])
                pointer[t] = (pointer[t] + s) % n
            panels.append(np.concatenate(chosen))
    return panels


def _realise(c: Compiled, types: Master, clock: _Clock) -> list[tuple[np.ndarray, float]]:
    """Panels of people whose probabilities are the types' probabilities (to within ``TOLERANCE``)."""
    compositions = [
        (_seats(c, idx, val), p)
        for idx, val, p in zip(types.indices, types.values, types.p, strict=True)
        if p > 1e-9
    ]
    people = Master(c.n)
    for panel in _deal(c, compositions, budget=max(50, min(20000, 1_000_000 // c.k))):
        people.add(panel)
    reachable = types.coverage()[c.type_of]
    people.target = np.maximum(reachable - FIX_SLACK, 0.0)
    people.fixed[reachable <= 0] = 0.0
    for _ in range(10_000):
        z, y, mu = people.solve()
        if z >= -TOLERANCE or clock.left() < -60:
            break
        panel, value, _ = best_panel(c, y, people.coverage(), time_limit=60)
        if value <= mu + TOLERANCE / 10 or not people.add(panel):
            break
    return list(zip(people.indices, people.p, strict=True))


def _seats(c: Compiled, types: np.ndarray, shares: np.ndarray) -> np.ndarray:
    seats = np.zeros(c.types, dtype=np.int64)
    seats[types] = np.rint(shares * c.type_size[types]).astype(np.int64)
    return seats
