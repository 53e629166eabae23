"""The master linear program of column generation, over any units (types of people, or people).

Columns are panels, each a sparse vector: how much of each unit it covers (a type's share of seats, or
1 per member). The program maximises ``z`` subject to: each free unit covered at least ``target + z``,
each fixed unit at least its fixed value, probabilities summing to 1.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix, hstack


class Master:
    def __init__(self, units: int) -> None:
        self.units = units
        self.indices: list[np.ndarray] = []
        self.values: list[np.ndarray] = []
        self.seen: set[bytes] = set()
        self.fixed = np.full(units, np.nan)
        self.target = np.zeros(units)
        self.p = np.zeros(0)

    def add(self, indices: np.ndarray, values: np.ndarray | None = None) -> bool:
        values = np.ones(len(indices)) if values is None else values
        order = np.argsort(indices)
        indices, values = indices[order], values[order]
        key = indices.tobytes() + values.tobytes()
        if key in self.seen:
            return False
        self.seen.add(key)
        self.indices.append(indices)
        self.values.append(values)
        return True

    def matrix(self) -> csc_matrix:
        lengths = [len(i) for i in self.indices]
        ptr = np.concatenate([[0], np.cumsum(lengths)])
        return csc_matrix(
            (np.concatenate(self.values), np.concatenate(self.indices), ptr),
            shape=(self.units, len(self.indices)),
        )

    def coverage(self) -> np.ndarray:
        return self.matrix() @ self.p if len(self.p) else np.zeros(self.units)

    def solve(self) -> tuple[float, np.ndarray, float]:
        """(z, the dual weight of each unit, the price ``mu`` a new column must beat)."""
        A = self.matrix()
        P = A.shape[1]
        free = np.isnan(self.fixed)
        A_ub = hstack([-A, csc_matrix(free.astype(float).reshape(-1, 1))]).tocsr()
        b_ub = np.where(free, -self.target, -np.nan_to_num(self.fixed))
        A_eq = np.concatenate([np.ones(P), [0.0]]).reshape(1, -1)
        c = np.zeros(P + 1)
        c[-1] = -1.0
        result = linprog(
            c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0], bounds=[(0, None)] * P + [(-1, 1)], method="highs"
        )
        if result.status != 0:
            raise RuntimeError(f"the master program failed: {result.message}")
        self.p = result.x[:P]
        y = np.maximum(-result.ineqlin.marginals, 0.0)
        return float(result.x[-1]), y, float(-result.eqlin.marginals[0])

    def offset(self, y: np.ndarray) -> float:
        """What the dual objective subtracts from the best column's weight: fixed values and targets."""
        free = np.isnan(self.fixed)
        return float(np.dot(np.nan_to_num(self.fixed[~free]), y[~free]) + np.dot(self.target[free], y[free]))
