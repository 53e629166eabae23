"""Demo data for selection by lot: the Leeds assembly's pool, open for volunteers, with 30 invented
volunteers (at example.org, in no supporter list), three categories and quotas close to Leeds's
population; the organisers run the selection and the draw from the page."""

from __future__ import annotations

import random

from organiser.assemblies.models import Assembly
from organiser.assemblies.sortition.models import SortitionPool, Volunteer, VolunteerStatus
from organiser.db import db, utcnow

CATEGORIES = {
    "Gender": ["woman", "man", "another gender"],
    "Age band": ["16-29", "30-49", "50+"],
    "Housing": ["social rent", "private rent", "owner"],
}
QUOTAS = [
    ["Gender", "woman", 3, 5],
    ["Gender", "man", 3, 5],
    ["Gender", "another gender", 0, 1],
    ["Age band", "16-29", 2, 3],
    ["Age band", "30-49", 2, 3],
    ["Age band", "50+", 2, 3],
    ["Housing", "social rent", 2, 4],
    ["Housing", "private rent", 2, 4],
    ["Housing", "owner", 2, 4],
]
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ellie", "Farhan", "Grace", "Harry", "Imani", "Jack"]
LAST = ["Ahmed", "Brown", "Clarke"]


def seed_pool(assembly: Assembly) -> SortitionPool:
    """Eight seats, 30 volunteers in the pool (the same each time: a fixed random sequence)."""
    pool = SortitionPool(
        assembly_id=assembly.id,
        panel_size=8,
        categories=CATEGORIES,
        quotas=QUOTAS,
        volunteering_open=True,
        counts={},
    )
    db.session.add(pool)
    db.session.flush()
    chance = random.Random(2026)  # noqa: S311 (invented demo people, not a draw)
    for i in range(30):
        name = f"{FIRST[i % 10]} {LAST[i // 10]}"
        features = {c: chance.choice(f[:2] if c == "Gender" and i % 15 else f) for c, f in CATEGORIES.items()}
        db.session.add(
            Volunteer(
                pool_id=pool.id,
                pseudonym=f"P-DE{i:06X}",
                name=name,
                email=f"{name.lower().replace(' ', '.')}@example.org",
                features=features,
                imported=True,
                status=VolunteerStatus.CONFIRMED,
                confirmation_sends=0,
                confirmed_at=utcnow(),
            )
        )
    db.session.flush()
    return pool
