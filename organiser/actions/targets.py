"""Decision-makers (targets): a coalition's list, added one by one or imported from CSV with a checked
preview (the same pattern as the members import: nothing is written until the coordinator confirms,
and the confirmation re-reads the same file, checked again), and the targets a petition is
addressed to."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.models import Petition, PetitionStatus, Target
from organiser.coalitions.imports import ImportFileError, csv_rows, decode
from organiser.core.models import normalise_email
from organiser.db import db

log = logging.getLogger(__name__)

COLUMNS = ["name", "role", "body", "region", "email"]
REQUIRED = {"name", "email"}
MAX_ROWS = 2000
FIELDS = ("name", "role", "body", "region", "email")

__all__ = [
    "COLUMNS",
    "ImportFileError",
    "TargetRow",
    "add_target",
    "decode",
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


@dataclass
class TargetRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.duplicate


def parse(text: str, coalition_id: int) -> list[TargetRow]:
    """Every row, checked; raises ImportFileError when the file itself is unusable."""
    existing = {t.email for t in targets_of(coalition_id)}
    rows: list[TargetRow] = []
    seen: set[str] = set()
    too_many = _("At most %(n)s decision-makers at a time.", n=MAX_ROWS)
    for line, values in csv_rows(text, COLUMNS, REQUIRED, MAX_ROWS, too_many):
        row = TargetRow(line, values)
        _check(row)
        row.duplicate = not row.errors and (row.values["email"] in existing or row.values["email"] in seen)
        seen.add(row.values["email"])
        rows.append(row)
    return rows


def _check(row: TargetRow) -> None:
    v = row.values
    if not v["name"]:
        row.errors.append(_("The name is missing"))
    if not v["email"]:
        row.errors.append(_("The e-mail address is missing"))
    else:
        try:
            validate_email(v["email"], check_deliverability=False)
        except EmailNotValidError:
            row.errors.append(_("“%(value)s” is not an e-mail address", value=v["email"]))
        v["email"] = normalise_email(v["email"])
    for name in ("name", "role", "body", "region"):
        if len(v[name]) > 200:
            row.errors.append(_("The %(column)s is longer than 200 characters", column=name))


def import_targets(coalition_id: int, rows: list[TargetRow], *, by: Any) -> int:
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
