"""Selecting a citizens' assembly by lot: quotas, a fair distribution over the panels that meet them, and a
verifiable draw. Pure computation (the standard library, NumPy and SciPy's HiGHS): no Flask, no database.

Methods: ``legacy`` (the greedy method common in practice, its probabilities sampled), ``maximin`` (the
distribution maximising the smallest selection probability) and ``leximin`` (then the next smallest, and
so on, within the time budget). The draw's procedure is in ``model``'s docstring.
"""

from __future__ import annotations

from collections.abc import Callable

from organiser.assemblies.sortition.solver.csvio import read_categories_csv, read_people_csv
from organiser.assemblies.sortition.solver.fair import fair_distribution
from organiser.assemblies.sortition.solver.legacy import legacy_distribution
from organiser.assemblies.sortition.solver.model import (
    METHODS,
    Distribution,
    Infeasible,
    Instance,
    Quota,
    canonical_json,
    distribution_sha256,
    draw,
    replacement_instance,
)
from organiser.assemblies.sortition.solver.panels import check_feasibility, compile_instance

__all__ = [
    "METHODS",
    "Distribution",
    "Infeasible",
    "Instance",
    "Quota",
    "canonical_json",
    "check_feasibility",
    "distribution_sha256",
    "draw",
    "find_distribution",
    "read_categories_csv",
    "read_people_csv",
    "replacement_instance",
]


def find_distribution(
    instance: Instance,
    method: str = "leximin",
    time_limit: float = 60.0,
    progress: Callable[[float, str], None] | None = None,
) -> Distribution:
    """A distribution over panels that meet every quota; raises ``Infeasible`` if there is none.

    ``progress(fraction, text)`` is called now and then. Leximin that runs out of time returns the best
    distribution found with ``reached="maximin"``."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    check_feasibility(instance)
    if method == "legacy":
        return legacy_distribution(instance, progress=progress)
    return fair_distribution(compile_instance(instance), method, time_limit, progress)
