"""What a pool keeps about a volunteer, registered with privacy: shown on their own page, exported,
erased and expired. Their features (gender, age band, housing…) can be special-category data and are
kept only for the selection: once the assembly ended more than the IP window ago
(``IP_RETENTION_DAYS``), retention erases every volunteer's features and household, keeping only the
counts per feature on the pool."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from organiser.assemblies.models import Assembly
from organiser.assemblies.sortition import pools
from organiser.assemblies.sortition.models import SortitionPool, Volunteer
from organiser.db import db, utcnow
from organiser.people.models import Person
from organiser.privacy.registry import AnonymisedRows, PersonalData, personal_values


def _collect(person: Person) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Volunteer, Assembly.title)
        .join(SortitionPool, SortitionPool.id == Volunteer.pool_id)
        .join(Assembly, Assembly.id == SortitionPool.assembly_id)
        .where(Volunteer.person_id == person.id)
        .order_by(Volunteer.created_at)
    ).all()
    return [
        {
            "assembly": title,
            **personal_values(v),
            "status": str(v.status),
            "selected": v.draw_id is not None,
            "invitation": str(v.invitation or ""),
            "volunteered_at": v.created_at,
        }
        for v, title in rows
    ]


ROWS = AnonymisedRows(Volunteer, Volunteer.pool_id, SortitionPool.id)


def _pools_ended(*conditions: Any) -> Any:
    return SortitionPool.assembly_id.in_(select(Assembly.id).where(*conditions).scalar_subquery())


def _expire(coalition: Any, cutoff: datetime) -> int:
    return ROWS.expire(_pools_ended(Assembly.coalition_id == coalition.id, Assembly.ends_at < cutoff))


def erase_features(cutoff: datetime) -> int:
    """The features of the pools of assemblies that ended before the cutoff, erased; the counts per
    feature kept on the pool. Returns how many volunteers lost theirs."""
    erased = 0
    due = select(SortitionPool).where(
        SortitionPool.features_erased_at.is_(None), _pools_ended(Assembly.ends_at < cutoff)
    )
    for pool in db.session.scalars(due).all():
        pool.counts = pools.feature_counts(pool)
        pool.features_erased_at = utcnow()
        erased += db.session.execute(
            update(Volunteer)
            .where(Volunteer.pool_id == pool.id)
            .values(features={}, household="")
            .execution_options(synchronize_session=False)
        ).rowcount
    db.session.flush()
    return erased


def _minimise(cutoff: datetime) -> int:
    return erase_features(cutoff) + ROWS.minimise(cutoff)


VOLUNTEERS = PersonalData(
    name="sortition_volunteers",
    label=_l("Assemblies you volunteered for (selection by lot)"),
    collect=_collect,
    erase=ROWS.erase,
    expire=_expire,
    minimise=_minimise,
)
