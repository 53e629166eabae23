"""The organisers' list of an assembly's registrations (places first, then the waitlist in order,
then the rest) and its CSV export, formula-safe, each download logged."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.assemblies import needs
from organiser.assemblies.models import Assembly, Registration, RegistrationQuestion, RegistrationStatus
from organiser.db import db
from organiser.web.downloads import Export, safe_cell

log = logging.getLogger(__name__)

_ORDER = {
    RegistrationStatus.ATTENDED: 0,
    RegistrationStatus.CONFIRMED: 0,
    RegistrationStatus.WAITLISTED: 1,
    RegistrationStatus.PENDING: 2,
    RegistrationStatus.CANCELLED: 3,
}
_COLUMNS = [
    "name",
    "email",
    "region",
    "country",
    "language",
    "access_needs",
    "status",
    "check_in_code",
    "registered_at",
    "confirmed_at",
    "attended_at",
    "cancelled_at",
]


def registrations_of(assembly: Assembly) -> list[Registration]:
    """Every registration, those with a place first, then the waitlist in order, then the rest."""
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.assembly_id == assembly.id)
        .order_by(Registration.confirmed_at, Registration.id)
    ).all()
    return sorted(rows, key=lambda r: _ORDER[RegistrationStatus(r.status)])


def export_registrations(assembly: Assembly) -> Export:
    """Every registration, for the organisers (formula-safe; the download is logged): its details,
    one column per access need, and one per question of the assembly's own (headed by the question)."""
    questions = list(assembly.questions)
    return Export(
        f"{assembly.slug}-registrations.csv",
        _("Registrations for “%(title)s”", title=assembly.title),
        [*_COLUMNS, *needs.EXPORT_COLUMNS, *(safe_cell(q.label) for q in questions)],
        [
            (*_row(r), *needs.export_cells(r.needs), *_answers(r, questions))
            for r in registrations_of(assembly)
        ],
        coalition_id=assembly.coalition_id,
    )


def _answers(r: Registration, questions: list[RegistrationQuestion]) -> list[str]:
    cells = []
    for question in questions:
        answer = (r.answers or {}).get(str(question.id), {}).get("answer", "")
        cells.append("; ".join(answer) if isinstance(answer, list) else answer)
    return cells


def _row(r: Registration) -> tuple[str, ...]:
    return (
        r.name,
        r.email,
        r.region,
        r.country or "",
        r.language,
        r.access_needs,
        str(r.status),
        r.check_in_code or "",
        _iso(r.created_at),
        _iso(r.confirmed_at),
        _iso(r.attended_at),
        _iso(r.cancelled_at),
    )


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""
