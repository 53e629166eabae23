"""Panels that meet every quota, found by mixed-integer programs (SciPy's HiGHS) over *types*.

People with the same features (and no household shared with anyone else in the pool) are one type: a
panel is a number of seats per type, and within a type the seats go to the people of largest weight.
For pricing the weights differ within a type, so each type's members are sorted by weight and runs of
equal weight become one continuous variable (the best members of a type are then taken in order): the
program has an integer per type and a continuous variable per run, not a binary per person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, hstack, vstack

from organiser.assemblies.sortition.solver.model import Infeasible, Instance, Quota


@dataclass
class Compiled:
    """An instance as arrays: people in sorted id order, grouped in types."""

    instance: Instance
    ids: list[str]
    k: int
    type_of: np.ndarray  # person -> type
    type_size: np.ndarray
    quota_rows: csr_matrix  # quota x type: 1 where the type has the quota's feature
    household_rows: csr_matrix  # household x type (households of two or more in the pool)
    order_start: np.ndarray  # where each type begins in the type-sorted order of people

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def types(self) -> int:
        return len(self.type_size)


def compile_instance(instance: Instance) -> Compiled:
    ids = sorted(instance.people)
    households = instance.households or {}
    shared: dict[str, list[int]] = {}
    for i, person in enumerate(ids):
        if person in households:
            shared.setdefault(households[person], []).append(i)
    in_shared = {i for members in shared.values() if len(members) > 1 for i in members}
    categories = list(dict.fromkeys(q.category for q in instance.quotas))
    keys: dict[tuple, int] = {}
    type_of = np.empty(len(ids), dtype=np.int64)
    for i, person in enumerate(ids):
        features = instance.people[person]
        key = (i,) if i in in_shared else tuple(features.get(c, "") for c in categories)
        type_of[i] = keys.setdefault(key, len(keys))
    T = len(keys)
    type_size = np.bincount(type_of, minlength=T)
    representative = np.zeros(T, dtype=np.int64)
    representative[type_of[::-1]] = np.arange(len(ids))[::-1]
    rows, cols = [], []
    for q, quota in enumerate(instance.quotas):
        for t in range(T):
            if instance.people[ids[representative[t]]].get(quota.category) == quota.feature:
                rows.append(q)
                cols.append(t)
    quota_rows = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(instance.quotas), T))
    groups = [members for members in shared.values() if len(members) > 1]
    h_rows = [h for h, members in enumerate(groups) for _ in members]
    h_cols = [type_of[i] for members in groups for i in members]
    household_rows = csr_matrix((np.ones(len(h_rows)), (h_rows, h_cols)), shape=(len(groups), T))
    order_start = np.concatenate([[0], np.cumsum(type_size)])
    return Compiled(
        instance, ids, instance.panel_size, type_of, type_size, quota_rows, household_rows, order_start
    )


def _type_constraints(c: Compiled, quotas: np.ndarray, extra: int) -> list[LinearConstraint]:
    """Quotas (those selected), the panel size and households, over the types (then ``extra`` columns)."""
    q_lo = np.array([c.instance.quotas[q].min for q in quotas], dtype=float)
    q_hi = np.array([c.instance.quotas[q].max for q in quotas], dtype=float)
    blocks = [c.quota_rows[quotas], csr_matrix(np.ones((1, c.types)))]
    lo, hi = [q_lo, [c.k]], [q_hi, [c.k]]
    if c.household_rows.shape[0]:
        blocks.append(c.household_rows)
        lo.append(np.zeros(c.household_rows.shape[0]))
        hi.append(np.ones(c.household_rows.shape[0]))
    matrix = vstack(blocks).tocsr()
    if extra:
        matrix = hstack([matrix, csr_matrix((matrix.shape[0], extra))]).tocsr()
    return [LinearConstraint(matrix, np.concatenate(lo), np.concatenate(hi))]


def feasible(c: Compiled, quotas: np.ndarray | None = None, time_limit: float = 60.0) -> bool:
    quotas = np.arange(len(c.instance.quotas)) if quotas is None else quotas
    result = milp(
        np.zeros(c.types),
        integrality=np.ones(c.types),
        bounds=Bounds(0, np.minimum(c.type_size, c.k)),
        constraints=_type_constraints(c, quotas, 0),
        options={"time_limit": time_limit},
    )
    return result.status == 0


def best_panel(
    c: Compiled, weights: np.ndarray, tiebreak: np.ndarray | None = None, time_limit: float = 60.0
) -> tuple[np.ndarray, float, float]:
    """The panel of largest total weight meeting every quota: (person indices, its weight, an upper bound
    on any panel's weight). Among equal weights, people of smaller ``tiebreak`` come first."""
    rounded = np.round(weights, 12)
    tiebreak = np.zeros(c.n) if tiebreak is None else tiebreak
    order = np.lexsort((tiebreak, -rounded, c.type_of))
    t_sorted, w_sorted = c.type_of[order], rounded[order]
    change = np.flatnonzero((t_sorted[1:] != t_sorted[:-1]) | (w_sorted[1:] != w_sorted[:-1])) + 1
    starts = np.concatenate([[0], change])
    counts = np.diff(np.append(starts, c.n))
    seg_type, seg_weight = t_sorted[starts], w_sorted[starts]
    S = len(starts)
    link = hstack(
        [-identity_like(c.types), csr_matrix((np.ones(S), (seg_type, np.arange(S))), shape=(c.types, S))]
    )
    constraints = _type_constraints(c, np.arange(len(c.instance.quotas)), S)
    constraints.append(LinearConstraint(link.tocsr(), 0, 0))
    result = milp(
        np.concatenate([np.zeros(c.types), -seg_weight]),
        integrality=np.concatenate([np.ones(c.types), np.zeros(S)]),
        bounds=Bounds(0, np.concatenate([np.minimum(c.type_size, c.k), np.minimum(counts, c.k)])),
        constraints=constraints,
        options={"time_limit": time_limit, "mip_rel_gap": 1e-8},
    )
    if result.x is None:
        raise Infeasible((), "no panel meets every quota")
    seats = np.rint(result.x[: c.types]).astype(np.int64)
    chosen = np.concatenate(
        [order[c.order_start[t] : c.order_start[t] + seats[t]] for t in np.flatnonzero(seats)]
    )
    value = float(weights[chosen].sum())
    bound = -result.mip_dual_bound if result.mip_dual_bound is not None else value
    return np.sort(chosen), value, max(value, float(bound))


def identity_like(size: int) -> csr_matrix:
    return csr_matrix((np.ones(size), (np.arange(size), np.arange(size))), shape=(size, size))


def conflicting_quotas(c: Compiled) -> tuple[Quota, ...] | None:
    """None if some panel meets every quota; otherwise a minimal set of quotas that cannot be met together
    (a deletion filter: drop each quota in turn, keep it out if the rest stay infeasible)."""
    everything = np.arange(len(c.instance.quotas))
    if feasible(c, everything):
        return None
    if not feasible(c, everything[:0]):
        return ()
    conflict = list(everything)
    for q in list(conflict):
        trial = [x for x in conflict if x != q]
        if not feasible(c, np.array(trial, dtype=np.int64)):
            conflict = trial
    return tuple(c.instance.quotas[q] for q in conflict)


def check_feasibility(instance: Instance) -> None:
    """Raise ``Infeasible`` (naming the quotas in conflict) unless some panel meets every quota."""
    if instance.panel_size < 1:
        raise Infeasible((), "The panel size must be at least 1.")
    if len(instance.people) < instance.panel_size:
        raise Infeasible(
            (),
            f"The pool has {len(instance.people)} people, fewer than the panel size ({instance.panel_size}).",
        )
    c = compile_instance(instance)
    conflicts = conflicting_quotas(c)
    if conflicts is None:
        return
    if not conflicts:
        raise Infeasible(
            (),
            f"No panel of {instance.panel_size} can be drawn from this pool with at most one person per "
            "household: there are too few households.",
        )
    available = {
        q: sum(1 for f in instance.people.values() if f.get(q.category) == q.feature) for q in conflicts
    }
    named = "; ".join(f"{q.describe()}, {available[q]} in the pool" for q in conflicts)
    verb = "This quota cannot be met" if len(conflicts) == 1 else "These quotas cannot be met together"
    raise Infeasible(
        conflicts,
        f"{verb} in a panel of {instance.panel_size} from this pool: {named}. Change at least one of them.",
    )


def best_composition(
    c: Compiled,
    type_weights: np.ndarray,
    time_limit: float = 60.0,
    box: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, float, float] | None:
    """Seats per type of largest total weight meeting every quota (and within ``box``, lower and upper seats
    per type, if given): (seats, weight, an upper bound), or None if the box holds no such composition."""
    low, high = box if box is not None else (0, np.minimum(c.type_size, c.k))
    result = milp(
        -type_weights,
        integrality=np.ones(c.types),
        bounds=Bounds(low, high),
        constraints=_type_constraints(c, np.arange(len(c.instance.quotas)), 0),
        options={"time_limit": time_limit, "mip_rel_gap": 1e-9},
    )
    if result.x is None:
        if box is not None:
            return None
        raise Infeasible((), "no panel meets every quota")
    seats = np.rint(result.x).astype(np.int64)
    value = float(type_weights @ seats)
    bound = -result.mip_dual_bound if result.mip_dual_bound is not None else value
    return seats, value, max(value, float(bound))


def relaxation(c: Compiled, fixed: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The maximin over fractional seats (every panel's composition is one, so its value bounds the real
    one): (value, seats per type, the dual weight of each type's row)."""
    (quotas,) = _type_constraints(c, np.arange(len(c.instance.quotas)), 1)
    free = np.isnan(fixed)
    T = c.types
    shares = csr_matrix((-1 / c.type_size, (np.arange(T), np.arange(T))), shape=(T, T))
    rows = hstack([shares, csr_matrix(free.astype(float).reshape(-1, 1))])
    result = linprog(
        np.r_[np.zeros(T), -1.0],
        A_ub=vstack([rows, quotas.A, -quotas.A]).tocsr(),
        b_ub=np.r_[np.where(free, 0.0, -np.nan_to_num(fixed)), quotas.ub, -quotas.lb],
        bounds=[(0, high) for high in np.minimum(c.type_size, c.k)] + [(0, 1)],
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"the relaxation failed: {result.message}")
    return float(-result.fun), result.x[:T], np.maximum(-result.ineqlin.marginals[:T], 0.0)
