"""Sortition: legacy (greedy, sampled) against maximin and leximin (column generation, SciPy's HiGHS).

    .venv/bin/python benchmarks/sortition.py [--only 2000] [--time-limit 300] [--leximin-time-limit 1200]
                                             [--legacy-runs 2000] [--seed 1]

Generates pools of volunteers shaped like real ones and, for each, prints the time and the smallest
selection probability of each method, and how far maximin is from its proven upper bound. Pure
computation: no database, no services.

The pools (200 with a panel of 20, 500/40, 2,000/200, 10,000/100) have 4 to 7 categories. Volunteers
are not like the population: they skew older, more educated and owner-occupying, and the categories
are correlated (age with housing tenure and education, region with ethnicity). Quotas are the
population's shares of the panel with a tolerance (one seat either way, or 10 %), and two categories
are tight (exactly the rounded share). Fixed seeds: the same pools on every run.
"""
# ruff: noqa: E402 (the repository root goes on sys.path before the project is imported)

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from organiser.assemblies.sortition.solver import Instance, Quota, find_distribution
from organiser.assemblies.sortition.solver.legacy import legacy_distribution

# category -> (values, population shares)
CATEGORIES = {
    "gender": (["woman", "man", "non-binary"], [0.505, 0.485, 0.01]),
    "age": (["16-29", "30-44", "45-59", "60-74", "75+"], [0.22, 0.25, 0.25, 0.19, 0.09]),
    "region": (["north", "midlands", "south", "east", "west", "london"], [0.2, 0.17, 0.2, 0.1, 0.17, 0.16]),
    "education": (["none", "school", "degree"], [0.25, 0.45, 0.30]),
    "tenure": (["owner", "social", "private"], [0.63, 0.17, 0.20]),
    "ethnicity": (["white", "asian", "black", "mixed", "other"], [0.82, 0.09, 0.04, 0.03, 0.02]),
    "disability": (["yes", "no"], [0.22, 0.78]),
}
POOLS = [  # (pool, panel, categories, tight categories)
    (200, 20, 4, ("age",)),
    (500, 40, 5, ("age", "region")),
    (2000, 200, 6, ("age", "education")),
    (10000, 100, 7, ("age", "region")),
]


def generate(pool: int, panel: int, count: int, tight: tuple[str, ...], seed: int) -> Instance:
    rng = np.random.default_rng(seed)
    names = list(CATEGORIES)[:count]
    people: dict[str, dict[str, str]] = {}
    for i in range(pool):
        features: dict[str, str] = {}
        for name in names:
            values, shares = CATEGORIES[name]
            weights = np.array(shares, dtype=float)
            if name == "age":  # volunteers skew older
                weights *= [0.6, 0.8, 1.1, 1.5, 1.0]
            if name == "education":  # ... and more educated, the more so the older
                weights *= [0.5, 0.9, 1.8]
                if features.get("age") in ("60-74", "75+"):
                    weights *= [1.6, 1.0, 0.8]
            if name == "tenure":  # the young rent, the old own
                young = features.get("age") in ("16-29", "30-44")
                weights *= [0.6, 1.0, 2.2] if young else [1.4, 0.8, 0.5]
            if name == "ethnicity" and features.get("region") == "london":
                weights *= [0.5, 2.5, 3.0, 2.0, 2.0]
            features[name] = str(rng.choice(values, p=weights / weights.sum()))
        people[f"v{i:05d}"] = features
    quotas = []
    for name in names:
        values, shares = CATEGORIES[name]
        for value, share in zip(values, shares, strict=True):
            target = share * panel
            if name in tight:
                low = high = round(target)
            else:
                slack = max(1.0, 0.1 * target)
                low, high = max(0, math.floor(target - slack)), math.ceil(target + slack)
            quotas.append(Quota(name, value, low, high))
    if sum(q.min for q in quotas if q.category == tight[0]) != panel:  # tight shares must add up
        first = next(q for q in quotas if q.category == tight[0])
        fix = panel - sum(q.min for q in quotas if q.category == tight[0])
        quotas[quotas.index(first)] = Quota(first.category, first.feature, first.min + fix, first.max + fix)
    return Instance(people=people, quotas=tuple(quotas), panel_size=panel)


def timed(function, *args, **kwargs):
    start = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", type=int, help="only the pool of this size")
    parser.add_argument("--time-limit", type=float, default=600.0, help="maximin's budget (seconds)")
    parser.add_argument("--leximin-time-limit", type=float, default=1200.0, help="leximin's budget (seconds)")
    parser.add_argument("--legacy-runs", type=int, default=2000)
    parser.add_argument("--no-leximin", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for pool, panel, count, tight in POOLS:
        if args.only and pool != args.only:
            continue
        instance = generate(pool, panel, count, tight, args.seed)
        types = len({tuple(f.values()) for f in instance.people.values()})
        print(
            f"pool {pool}, panel {panel}, {count} categories, {len(instance.quotas)} quotas, {types} types, "
            f"fair share {panel / pool:.4f}",
            flush=True,
        )
        legacy, seconds = timed(legacy_distribution, instance, runs=args.legacy_runs)
        print(
            f"  legacy ({args.legacy_runs} runs): {seconds:7.1f} s  minimum {legacy.minimum:.4f}", flush=True
        )
        maximin, seconds = timed(find_distribution, instance, "maximin", args.time_limit)
        gap = maximin.upper_bound - maximin.minimum
        print(
            f"  maximin:             {seconds:7.1f} s  minimum {maximin.minimum:.4f}  upper bound "
            f"{maximin.upper_bound:.4f} (gap {gap:.1e})  {len(maximin.panels)} panels",
            flush=True,
        )
        if not args.no_leximin:
            leximin, seconds = timed(find_distribution, instance, "leximin", args.leximin_time_limit)
            levels = len({round(p, 4) for p in leximin.probabilities.values()})
            print(
                f"  leximin:             {seconds:7.1f} s  minimum {leximin.minimum:.4f}  reached "
                f"{leximin.reached}, {levels} levels, {len(leximin.panels)} panels",
                flush=True,
            )


if __name__ == "__main__":
    main()
