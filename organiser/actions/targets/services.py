"""Decision-makers (targets): a coalition's list, added one by one or imported from CSV with a checked
preview (the same pattern as the members import: nothing is written until the coordinator confirms,
and the confirmation re-reads the same file, checked again), and the targets a petition is
addressed to."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organiser.actions.petitions.models import Petition, PetitionStatus, Target
from organiser.actions.targets.forms import TargetForm
from organiser.coalitions.imports import (
    ImportFileError,
    ImportRow,
    Layout,
    ParsedFile,
    checked,
    csv_rows,
    most_characters,
    shown,
    valid_email,
)
from organiser.core.models import normalise_email
from organiser.db import db

log = logging.getLogger(__name__)

FIELDS = ("name", "role", "body", "region", "email")

__all__ = [
    "COLUMNS",
    "ImportFileError",
    "add_target",
    "import_targets",
    "parse",
    "set_petition_targets",
    "targets_of",
]


class TargetStateError(Exception):
    """A delivered petition's targets can no longer change."""


def targets_of(coalition_id: int) -> list[Target]:
    query = select(Target).where(Target.coalition_id == coalition_id).order_by(Target.name, Target.id)
    return list(db.session.scalars(query))


def email_taken(coalition_id: int, email: str) -> bool:
    query = select(Target.id).where(
        Target.coalition_id == coalition_id, Target.email == normalise_email(email)
    )
    return db.session.scalar(query) is not None


def add_target(coalition_id: int, *, by: Any, **fields: str) -> Target:
    """One decision-maker; the address is stored normalised (one target per address and coalition)."""
    values = {k: (fields.get(k) or "").strip() for k in FIELDS}
    values["email"] = normalise_email(values["email"])
    target = Target(coalition_id=coalition_id, **values)
    db.session.add(target)
    db.session.flush()
    log.info("target %s added to coalition %s by %s", target.id, coalition_id, by.id)
    return target


# ---- CSV import -------------------------------------------------------------------------------------

_STORED = Target.__table__.c
TARGETS = Layout(
    columns={c: most_characters(_STORED[c], getattr(TargetForm, c)) for c in FIELDS},
    required=frozenset({"name", "email"}),
    max_rows=2000,
    too_many=_l("At most %(n)s decision-makers at a time.", n=2000),
)
COLUMNS = list(TARGETS.columns)


def parse(text: str, coalition_id: int) -> ParsedFile:
    """Every row, checked; raises ImportFileError when the file itself is unusable."""
    existing: set[Hashable] = {t.email for t in targets_of(coalition_id)}
    return checked(csv_rows(text, TARGETS), TARGETS, _check, lambda v: v["email"], existing)


def _check(row: ImportRow) -> None:
    v = row.values
    v["email"] = normalise_email(v["email"])
    if not v["name"]:
        row.errors.append(_("The name is missing"))
    if not v["email"]:
        row.errors.append(_("The e-mail address is missing"))
    elif not valid_email(v["email"]):
        row.errors.append(_("“%(value)s” is not an e-mail address", value=shown(v["email"])))


def import_targets(coalition_id: int, rows: list[ImportRow], *, by: Any) -> int:
    """Write the rows that passed the checks; returns how many."""
    written = 0
    for row in rows:
        if row.ok and not email_taken(coalition_id, row.values["email"]):
            add_target(coalition_id, by=by, **row.values)
            written += 1
    log.info("%s targets imported into coalition %s by %s", written, coalition_id, by.id)
    return written


# ---- a petition's targets ------------------------------------------------------------------------------


def set_petition_targets(petition: Petition, target_ids: list[int], *, by: Any) -> None:
    """Address the petition to these of its coalition's targets (others are ignored)."""
    if petition.status == PetitionStatus.DELIVERED:
        raise TargetStateError("a delivered petition keeps its targets")
    wanted = set(target_ids)
    petition.targets = [t for t in targets_of(petition.coalition_id) if t.id in wanted]
    db.session.flush()
    log.info(
        "petition %s addressed to targets %s by %s", petition.id, [t.id for t in petition.targets], by.id
    )
