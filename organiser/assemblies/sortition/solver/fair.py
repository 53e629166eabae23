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

Each round first solves the fractional relaxation (seats per type need not be whole numbers): every
panel's composition is one of its points, so its value bounds the real maximin too. Pricing then looks
only among the roundings of its solution (each type's seats rounded down or up), which usually reach
that bound quickly; if they fall short, among all compositions. Column generation tails off, so after
``EXACT_ROUNDS`` columns in a round it stops within ``GAP`` (0.1 %) of the proven bound; small pools are
solved exactly.

Leximin: once ``z`` is optimal, every type with a positive dual weight (of the relaxation, when its bound
was reached, else of the master) is at ``z`` in every optimal solution; those are fixed at ``z`` and the
next smallest is maximised, until every type is fixed.

Realisation: each composition is dealt out to people round-robin within each type (rotations of about
equal probability); a last program over these panels (people as units, each person's type probability
as target) reweights them, and column generation over people (``panels.best_panel``) adds panels until
every person reaches their target, or its time is up (half what is left plus 30 seconds): the published
probabilities are always those of the panels actually published.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable

import numpy as np

from organiser.assemblies.sortition.solver.master import Master
from organiser.assemblies.sortition.solver.model import Distribution, make_distribution
from organiser.assemblies.sortition.solver.panels import Compiled, best_composition, best_panel, relaxation

TOLERANCE = 1e-7  # a column must improve by more than this
GAP = 1e-3  # after EXACT_ROUNDS columns in a round, stop within this fraction of the proven bound
EXACT_ROUNDS = 50  # (column generation tails off: the last 0.1 % can take ten times as long as the rest)
FIX_SLACK = 1e-9  # fixed types keep at least their value minus this (room for rounding)
SMOOTHING = 0.8  # the weight of the best duals so far when pricing

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
    master: Master,
    c: Compiled,
    clock: _Clock,
    phase: Callable[[float, float], None],
    known: float,
    box: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, float]:
    """Column generation over compositions for the current fixings: (z reached, proven bound on z). Stops at
    ``known``, a bound proven otherwise. With a ``box``, pricing looks only inside it (and proves nothing).

    Stabilised by smoothing (Wentges): pricing at a mix of the master's duals and the duals that gave the
    best bound so far; if that finds no improving composition, pricing again at the master's own duals."""
    bound, center = known, None
    for iteration in itertools.count():
        z, y, mu = master.solve()
        point = y if center is None else SMOOTHING * center + (1 - SMOOTHING) * y
        while True:
            found = best_composition(c, point / c.type_size, time_limit=max(clock.left(), 1), box=box)
            if found is None:
                return z, max(bound, z)
            seats, _, upper = found
            if box is None and upper - master.offset(point) < bound:
                bound, center = upper - master.offset(point), point
            value = float(y @ (seats / c.type_size))
            if value > mu + TOLERANCE / 10 or point is y:
                break
            point = y
        phase(z, bound)
        if value <= mu + TOLERANCE / 10 or _close(z, bound, iteration) or clock.left() <= 0:
            return z, max(bound, z)
        if not _add_composition(master, c, seats):
            return z, max(bound, z)


def _close(z: float, bound: float, iteration: int) -> bool:
    return bound - z <= TOLERANCE + (GAP * bound if iteration >= EXACT_ROUNDS else 0.0)


def _round(
    master: Master, c: Compiled, clock: _Clock, phase: Callable[[float, float], None]
) -> tuple[float, float, np.ndarray]:
    """Maximise the smallest probability of the types not fixed: (value, proven bound, the dual weights that
    show which types are at that value in every optimal distribution).

    First the fractional relaxation: its value bounds the real one. Compositions are then sought only
    among the roundings of its solution, which usually reach that bound; if they fall short, among all."""
    known, seats, duals = relaxation(c, master.fixed)
    box = (np.floor(seats + 1e-9), np.ceil(seats - 1e-9))
    z, _ = _optimise(master, c, clock, phase, known, box)
    if _close(z, known, EXACT_ROUNDS):
        return z, known, duals
    z, bound = _optimise(master, c, clock, phase, known)
    return z, bound, master.solve()[1]


def _leximin(master: Master, c: Compiled, clock: _Clock, z: float, duals: np.ndarray) -> str:
    """Fix the types at the minimum, maximise the next; "leximin" once every type is fixed in time."""
    while clock.left() > 0:
        free = np.isnan(master.fixed)
        at_minimum = free & (duals > 1e-9)
        if not at_minimum.any():
            at_minimum = free & (master.coverage() <= z + TOLERANCE)
        master.fixed[at_minimum] = max(z - FIX_SLACK, 0.0)
        fixed = int(c.type_size[~np.isnan(master.fixed)].sum())
        if fixed == c.n:
            return "leximin"

        def phase(value: float, bound: float, fixed: int = fixed) -> None:
            clock.report(0.5 + 0.4 * fixed / c.n, f"leximin: {fixed} of {c.n} people fixed, next {value:.5f}")

        z, _, duals = _round(master, c, clock, phase)
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

    z, bound, duals = _round(master, c, clock, maximin_phase)
    reached = _leximin(master, c, clock, z, duals) if method == "leximin" else "maximin"
    clock.report(0.9, "dealing the panels out to people", force=True)
    panels = _realise(c, master, clock)
    clock.report(1.0, f"{reached}: done", force=True)
    if unreachable.any():
        bound = 0.0  # someone is in no panel at all
    named = [([c.ids[i] for i in members], p) for members, p in panels]
    return make_distribution(method, reached, c.ids, named, upper_bound=bound)


def _deal(c: Compiled, compositions: list[tuple[np.ndarray, float]], budget: int) -> list[np.ndarray]:
    """Panels of people for each composition: round-robin within each type, continuing across compositions.
    A composition gets as many rotations as its types' cycles need to share its seats exactly, if that
    is at most ``budget`` times its probability; otherwise about that many, so that rotations have about
    the same probability everywhere and round-robin shares each type's seats to within one rotation."""
    members = [np.flatnonzero(c.type_of == t) for t in range(c.types)]  # ids sorted within each type
    pointer = np.zeros(c.types, dtype=np.int64)
    panels = []
    for seats, p in compositions:
        partial = [t for t in np.flatnonzero(seats) if seats[t] < c.type_size[t]]
        cycles = [int(c.type_size[t]) // math.gcd(int(c.type_size[t]), int(seats[t])) for t in partial]
        longest, whole = max(cycles, default=1), math.lcm(*cycles) if cycles else 1
        rotations = whole if whole <= max(longest, budget * p) else max(1, round(budget * p))
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
    for panel in _deal(c, compositions, budget=max(50, min(5000, 200_000 // c.k))):
        people.add(panel)
    reachable = types.coverage()[c.type_of]
    people.target = np.maximum(reachable - FIX_SLACK, 0.0)
    people.fixed[reachable <= 0] = 0.0
    deadline = time.monotonic() + max(clock.left(), 0) / 2 + 30  # the panels must be dealt out, even late
    while True:
        z, y, mu = people.solve()
        if z >= -TOLERANCE or time.monotonic() > deadline:
            break
        panel, value, _ = best_panel(c, y, people.coverage(), time_limit=60)
        if value <= mu + TOLERANCE / 10 or not people.add(panel):
            break
    return list(zip(people.indices, people.p, strict=True))


def _seats(c: Compiled, types: np.ndarray, shares: np.ndarray) -> np.ndarray:
    seats = np.zeros(c.types, dtype=np.int64)
    seats[types] = np.rint(shares * c.type_size[types]).astype(np.int64)
    return seats
