"""The selection library on tiny pools: quotas always met, probabilities that add up, maximin optimal (against
an exhaustive enumeration), infeasible quotas named, households, the draw and replacements."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from organiser.assemblies.sortition.solver import (
    Distribution,
    Infeasible,
    Instance,
    Quota,
    canonical_json,
    check_feasibility,
    draw,
    find_distribution,
    read_categories_csv,
    read_people_csv,
    replacement_instance,
)

FEATURES = [  # gender, age: women and the young are scarce, the young women scarcer
    ("m", "old"), ("m", "old"), ("m", "old"), ("m", "young"), ("m", "young"),
    ("f", "old"), ("f", "old"), ("f", "young"),
]  # fmt: skip
TINY = Instance(
    people={f"p{i}": {"gender": g, "age": a} for i, (g, a) in enumerate(FEATURES)},
    quotas=(
        Quota("gender", "m", 1, 2),
        Quota("gender", "f", 1, 2),
        Quota("age", "young", 1, 1),
        Quota("age", "old", 2, 2),
    ),
    panel_size=3,
)


def meets_quotas(instance: Instance, panel: tuple[str, ...]) -> bool:
    households = instance.households or {}
    homes = [households[p] for p in panel if p in households]
    return (
        len(set(panel)) == len(panel) == instance.panel_size
        and set(panel) <= set(instance.people)
        and len(homes) == len(set(homes))
        and all(
            quota.min
            <= sum(instance.people[p].get(quota.category) == quota.feature for p in panel)
            <= quota.max
            for quota in instance.quotas
        )
    )


def assert_valid(instance: Instance, distribution: Distribution) -> None:
    assert distribution.panels
    assert all(meets_quotas(instance, members) for members, _ in distribution.panels)
    assert all(p > 0 for _, p in distribution.panels)
    assert sum(p for _, p in distribution.panels) == pytest.approx(1, abs=1e-9)
    assert sum(distribution.probabilities.values()) == pytest.approx(instance.panel_size, abs=1e-9)
    for person, probability in distribution.probabilities.items():
        assert probability == pytest.approx(sum(p for m, p in distribution.panels if person in m), abs=1e-12)
    assert distribution.minimum == min(distribution.probabilities.values())


def exhaustive_maximin(instance: Instance) -> float:
    """Every panel that meets the quotas, and the linear program over all of them, solved exactly."""
    ids = sorted(instance.people)
    panels = [p for p in itertools.combinations(ids, instance.panel_size) if meets_quotas(instance, p)]
    A = np.array([[person in panel for panel in panels] for person in ids], dtype=float)
    result = linprog(
        np.r_[np.zeros(len(panels)), -1],
        A_ub=np.c_[-A, np.ones(len(ids))],
        b_ub=np.zeros(len(ids)),
        A_eq=np.r_[np.ones(len(panels)), 0].reshape(1, -1),
        b_eq=[1],
        bounds=[(0, None)] * len(panels) + [(None, None)],
    )
    return -result.fun


@pytest.fixture(scope="module")
def solved() -> dict[str, Distribution]:
    return {method: find_distribution(TINY, method) for method in ("legacy", "maximin", "leximin")}


@pytest.mark.parametrize("method", ["legacy", "maximin", "leximin"])
def test_every_panel_meets_every_quota_and_probabilities_sum_to_the_panel_size(solved, method):
    distribution = solved[method]
    assert_valid(TINY, distribution)
    assert distribution.method == method
    assert distribution.reached == method


def test_maximin_is_the_exhaustive_optimum_and_no_worse_than_legacy(solved):
    optimum = exhaustive_maximin(TINY)
    assert optimum == pytest.approx(1 / 3)  # the three young share one seat
    assert solved["maximin"].minimum == pytest.approx(optimum, abs=1e-7)
    assert solved["maximin"].upper_bound == pytest.approx(optimum, abs=1e-7)
    assert solved["leximin"].minimum == pytest.approx(optimum, abs=1e-7)
    assert solved["maximin"].minimum >= solved["legacy"].minimum
    assert solved["legacy"].upper_bound is None


def test_leximin_raises_the_next_smallest_where_maximin_need_not():
    people = {f"y{i}": {"age": "young", "region": "n"} for i in range(3)}
    people |= {f"n{i}": {"age": "old", "region": "n"} for i in range(2)}
    people |= {f"s{i}": {"age": "old", "region": "s"} for i in range(2)}
    quotas = (Quota("age", "young", 1, 1), Quota("age", "old", 2, 2), Quota("region", "s", 0, 2))
    instance = Instance(people, quotas, 3)
    leximin = find_distribution(instance, "leximin")
    assert_valid(instance, leximin)
    assert leximin.minimum == pytest.approx(exhaustive_maximin(instance), abs=1e-7)
    # The young share their seat (1/3 each, the maximin); the old could get anything from 1/3 to 2/3 under
    # maximin, but leximin shares their two seats equally.
    assert [leximin.probabilities[f"y{i}"] for i in range(3)] == pytest.approx([1 / 3] * 3, abs=1e-7)
    assert [leximin.probabilities[p] for p in ("n0", "n1", "s0", "s1")] == pytest.approx([0.5] * 4, abs=1e-7)


def test_out_of_time_leximin_says_it_reached_maximin():
    distribution = find_distribution(TINY, "leximin", time_limit=0)
    assert distribution.reached == "maximin"
    assert_valid(TINY, distribution)


def test_progress_is_reported():
    calls = []
    find_distribution(TINY, "maximin", progress=lambda fraction, text: calls.append((fraction, text)))
    assert calls and calls[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in calls)


def test_infeasible_quotas_are_named():
    people = {f"w{i}": {"gender": "f", "age": "old", "region": "n"} for i in range(4)}
    people |= {f"m{i}": {"gender": "m", "age": "young", "region": "s"} for i in range(4)}
    quotas = (
        Quota("region", "n", 0, 4),
        Quota("gender", "f", 3, 4),  # in conflict with the young minimum: all the young are men
        Quota("region", "s", 0, 4),
        Quota("age", "young", 2, 4),
    )
    with pytest.raises(Infeasible) as raised:
        check_feasibility(Instance(people, quotas, 4))
    assert set(raised.value.conflicts) == {quotas[1], quotas[3]}
    assert "gender = f (min 3, max 4)" in raised.value.message
    assert "age = young (min 2, max 4)" in raised.value.message
    assert "region" not in raised.value.message
    with pytest.raises(Infeasible) as alone:
        find_distribution(Instance(people, (Quota("gender", "f", 5, 6),), 6))
    assert alone.value.conflicts == (Quota("gender", "f", 5, 6),)
    assert "4 in the pool" in alone.value.message


def test_at_most_one_person_per_household():
    people = {f"p{i}": {"age": "young" if i % 2 else "old"} for i in range(10)}
    households = {f"p{i}": f"h{i // 2}" for i in range(8)}  # four couples (one young, one old), two alone
    instance = Instance(people, (Quota("age", "young", 1, 3), Quota("age", "old", 1, 3)), 4, households)
    for method in ("maximin", "leximin", "legacy"):
        distribution = find_distribution(instance, method)
        assert_valid(instance, distribution)
    with pytest.raises(Infeasible):
        check_feasibility(Instance(people, instance.quotas, 7, households))  # only six households


def test_the_draw_is_deterministic_and_depends_on_the_seed(solved):
    distribution = solved["leximin"]
    assert len(distribution.panels) > 1
    assert draw(distribution, "lottery 2026-12-02") == draw(distribution, "lottery 2026-12-02")
    panels = {draw(distribution, f"seed {i}") for i in range(40)}
    assert len(panels) > 1 and all(meets_quotas(TINY, p) for p in panels)
    published = Distribution.from_json(distribution.to_json())
    assert canonical_json(published) == canonical_json(distribution)
    assert draw(published, "lottery 2026-12-02") == draw(distribution, "lottery 2026-12-02")


def test_the_draw_follows_the_published_procedure():
    import hashlib

    distribution = Distribution.from_json(
        {
            "method": "maximin",
            "reached": "maximin",
            "panels": [
                {"members": ["b", "a"], "probability": 0.25},
                {"members": ["a", "c"], "probability": 0.75},
            ],
            "probabilities": {"a": 1.0, "b": 0.25, "c": 0.75},
        }
    )
    assert [m for m, _ in distribution.panels] == [("a", "b"), ("a", "c")]
    for seed in ("1", "2", "3", "4", "5"):
        digest = hashlib.sha256((seed + "\n" + canonical_json(distribution)).encode()).hexdigest()
        expected = ("a", "b") if int(digest, 16) / 2**256 < 0.25 else ("a", "c")
        assert draw(distribution, seed) == expected


def test_a_decline_is_replaced_within_the_quotas(solved):
    panel = draw(solved["maximin"], "seed")
    declined, kept = panel[0], panel[1:]
    instance = replacement_instance(TINY, kept, [declined])
    assert instance.panel_size == 1
    assert not set(panel) & set(instance.people)
    replacement = draw(find_distribution(instance, "maximin"), "second seed")
    assert meets_quotas(TINY, tuple(kept) + replacement)


def test_replacement_closes_the_households_of_those_kept():
    people = {f"p{i}": {"age": "old"} for i in range(4)}
    instance = Instance(people, (Quota("age", "old", 2, 2),), 2, {"p0": "h", "p1": "h"})
    again = replacement_instance(instance, ["p0"], ["p2"])
    assert set(again.people) == {"p3"} and again.quotas == (Quota("age", "old", 1, 1),)


def test_reading_the_spreadsheets():
    quotas = read_categories_csv(
        "\ufeffcategory,feature,min,max\ngender,f,1,2\ngender,m,1,2\nage,young,0,1\n"
    )
    assert quotas[0] == Quota("gender", "f", 1, 2) and len(quotas) == 3
    with pytest.raises(
        ValueError, match=r"row 3: min \(3\) is above max \(2\).*row 4: max must be a whole number"
    ):
        read_categories_csv("category,feature,min,max\ngender,f,1,2\ngender,m,3,2\nage,young,0,x\n")
    people = read_people_csv("id,gender,age,email\n1,f,young,a@example.org\n2,m,old,\n", ["gender", "age"])
    assert people == {"1": {"gender": "f", "age": "young"}, "2": {"gender": "m", "age": "old"}}
    with pytest.raises(ValueError, match="row 3: the id '1' appears twice"):
        read_people_csv("id,gender\n1,f\n1,m\n", ["gender"])
    with pytest.raises(ValueError, match="no column for: age"):
        read_people_csv("id,gender\n1,f\n", ["gender", "age"])
