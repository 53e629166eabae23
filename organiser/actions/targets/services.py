"""Decision-makers (targets): a coalition's list, added one by one or imported from CSV with a checked
preview (the same pattern as the members import: nothing is written until the coordinator confirms,
and the confirmation re-reads the same file, checked again), and the responses they give to a
petition or a letter campaign."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from organiser.actions.targets.forms import TargetForm
from organiser.actions.targets.lookup.areas import area_code
from organiser.actions.targets.models import Response, Target
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

FIELDS = ("name", "role", "body", "region", "email", "area_code")

__all__ = [
    "COLUMNS",
    "ImportFileError",
    "add_target",
    "import_targets",
    "parse",
    "record_response",
    "responses_to",
    "targets_of",
]


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
    values["area_code"] = area_code(values["area_code"])
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
    v["area_code"] = area_code(v["area_code"])
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


# ---- responses (petitions and letter campaigns alike) ---------------------------------------------------


def record_response(
    target_id: int,
    *,
    petition_id: int | None = None,
    campaign_id: int | None = None,
    text: str,
    responded_on: date | None,
    by: Any,
) -> Response:
    """Record (or correct) one target's response to a petition or a letter campaign (the caller
    checks that the target was addressed); it is shown on that action's public page."""
    key = (
        Response.petition_id == petition_id
        if petition_id is not None
        else Response.campaign_id == campaign_id
    )
    response = db.session.scalar(select(Response).where(key, Response.target_id == target_id))
    if response is None:
        response = Response(petition_id=petition_id, campaign_id=campaign_id, target_id=target_id)
        db.session.add(response)
    response.text, response.responded_on, response.recorded_by_id = text.strip(), responded_on, by.id
    db.session.flush()
    log.info(
        "response of target %s to %s recorded by %s",
        target_id,
        f"petition {petition_id}" if petition_id is not None else f"letter campaign {campaign_id}",
        by.id,
    )
    return response


def responses_to(*, petition_id: int | None = None, campaign_id: int | None = None) -> list[Response]:
    """The responses recorded for a petition or a letter campaign, in the order they came."""
    key = (
        Response.petition_id == petition_id
        if petition_id is not None
        else Response.campaign_id == campaign_id
    )
    query = select(Response).where(key).order_by(Response.id).options(joinedload(Response.target))
    return list(db.session.scalars(query))
