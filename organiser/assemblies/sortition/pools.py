"""An assembly's pool: "selected by lot" switched on (a pool row), the categories and features the
organisers ask, the quotas (and their CSV ``category,feature,min,max``), the household rule, and the
solver's instance built from the confirmed volunteers (pseudonyms only)."""

from __future__ import annotations

import csv
import io
from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.assemblies.models import Assembly
from organiser.assemblies.sortition import solver
from organiser.assemblies.sortition.models import SortitionPool, Volunteer, VolunteerStatus
from organiser.db import db

MAX_CATEGORIES, MAX_FEATURES, MAX_NAME = 12, 30, 80


def pool_of(assembly: Assembly) -> SortitionPool | None:
    return db.session.scalar(select(SortitionPool).where(SortitionPool.assembly_id == assembly.id))


def set_up(
    assembly: Assembly,
    *,
    categories: dict[str, list[str]],
    panel_size: int,
    one_per_household: bool,
    volunteering_open: bool,
) -> SortitionPool:
    """Switch "selected by lot" on (or change its settings). Quotas of features no longer asked go."""
    pool = pool_of(assembly) or SortitionPool(assembly_id=assembly.id, categories={}, quotas=[], counts={})
    pool.categories = categories
    pool.panel_size = panel_size
    pool.one_per_household = one_per_household
    pool.volunteering_open = volunteering_open
    pool.quotas = [q for q in pool.quotas or [] if q[1] in categories.get(q[0], ())]
    db.session.add(pool)
    db.session.flush()
    return pool


def parse_categories(text: str) -> dict[str, list[str]]:
    """``Category: feature, feature`` a line, into {category: [features]}; ValueError naming the line."""
    categories: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, rest = line.partition(":")
        features = [f.strip() for f in rest.split(",") if f.strip()]
        if not colon or not name.strip() or len(features) < 2:
            raise ValueError(
                _(
                    "Line %(n)d: write a category, a colon, then at least two features separated by commas.",
                    n=number,
                )
            )
        if name.strip() in categories or len(set(features)) != len(features):
            raise ValueError(_("Line %(n)d: a category or a feature is repeated.", n=number))
        if len(features) > MAX_FEATURES or max(len(x) for x in [name.strip(), *features]) > MAX_NAME:
            raise ValueError(_("Line %(n)d: too many features, or a name that is too long.", n=number))
        categories[name.strip()] = features
    if not categories or len(categories) > MAX_CATEGORIES:
        raise ValueError(_("Give between 1 and %(max)d categories.", max=MAX_CATEGORIES))
    return categories


def categories_text(pool: SortitionPool | None) -> str:
    return "\n".join(f"{c}: {', '.join(f)}" for c, f in (pool.categories if pool else {}).items())


def quotas_of(pool: SortitionPool) -> tuple[solver.Quota, ...]:
    return tuple(solver.Quota(c, f, int(lo), int(hi)) for c, f, lo, hi in pool.quotas or [])


def set_quotas(pool: SortitionPool, quotas: tuple[solver.Quota, ...]) -> None:
    """Replace the pool's quotas; ValueError for a feature the pool does not ask or a bad range."""
    for quota in quotas:
        if quota.feature not in pool.categories.get(quota.category, ()):
            raise ValueError(
                _("%(c)s: %(f)s is not a feature the pool asks.", c=quota.category, f=quota.feature)
            )
        if not 0 <= quota.min <= quota.max:
            raise ValueError(
                _("%(c)s: %(f)s: the minimum must be at most the maximum.", c=quota.category, f=quota.feature)
            )
    pool.quotas = [[q.category, q.feature, q.min, q.max] for q in quotas]
    db.session.flush()


def quotas_csv(pool: SortitionPool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["category", "feature", "min", "max"])
    writer.writerows(pool.quotas or [])
    return out.getvalue()


def in_pool(pool: SortitionPool) -> list[Volunteer]:
    """The confirmed volunteers, oldest first."""
    return list(
        db.session.scalars(
            select(Volunteer)
            .where(Volunteer.pool_id == pool.id, Volunteer.status == VolunteerStatus.CONFIRMED)
            .order_by(Volunteer.id)
        )
    )


def instance_of(pool: SortitionPool) -> solver.Instance:
    """What the solver is given: pseudonyms, their features, the quotas, the household rule."""
    volunteers = [v for v in in_pool(pool) if v.features]
    households = None
    if pool.one_per_household:
        households = {v.pseudonym: (v.household or v.pseudonym).casefold() for v in volunteers}
    return solver.Instance(
        people={v.pseudonym: dict(v.features) for v in volunteers},
        quotas=quotas_of(pool),
        panel_size=pool.panel_size,
        households=households,
    )


def instance_json(instance: solver.Instance) -> dict:
    return {
        "people": {k: dict(v) for k, v in instance.people.items()},
        "quotas": [[q.category, q.feature, q.min, q.max] for q in instance.quotas],
        "panel_size": instance.panel_size,
        "households": dict(instance.households) if instance.households is not None else None,
    }


def instance_from_json(data: dict) -> solver.Instance:
    return solver.Instance(
        people=data["people"],
        quotas=tuple(solver.Quota(c, f, int(lo), int(hi)) for c, f, lo, hi in data["quotas"]),
        panel_size=int(data["panel_size"]),
        households=data.get("households"),
    )


def feature_counts(pool: SortitionPool) -> dict[str, dict[str, int]]:
    """Confirmed volunteers per feature (the counts kept after the features are erased)."""
    if pool.features_erased_at is not None:
        return pool.counts
    counts: dict[str, Counter[str]] = {c: Counter() for c in pool.categories}
    for volunteer in in_pool(pool):
        for category, feature in volunteer.features.items():
            counts.setdefault(category, Counter())[feature] += 1
    return {c: {f: counts[c][f] for f in pool.categories.get(c, sorted(counts[c]))} for c in counts}
