"""The closing report: what the organisers write once the assembly is over (summary, organisations
present, media links), published on its page when they say so, with the attendance by region and by
language counted from the people checked in.

On the public page, a region or language fewer than ``SMALLEST_GROUP`` people came from is counted
with the others ("elsewhere"), so no one who came can be picked out by where they live."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from organiser.assemblies.models import Assembly, ClosingReport, Registration, RegistrationStatus
from organiser.db import db, utcnow

log = logging.getLogger(__name__)

SMALLEST_GROUP = 3


def report_of(assembly: Assembly) -> ClosingReport | None:
    return db.session.scalar(select(ClosingReport).where(ClosingReport.assembly_id == assembly.id))


def published_report(assembly: Assembly) -> ClosingReport | None:
    report = report_of(assembly)
    return report if report is not None and report.published_at is not None else None


def save_report(assembly: Assembly, *, published: bool, by: Any, **fields: Any) -> ClosingReport:
    """Write the report (created the first time); published from the first time it is ticked, until
    it is unticked."""
    report = report_of(assembly)
    if report is None:
        report = ClosingReport(assembly_id=assembly.id)
        db.session.add(report)
    for key, value in fields.items():
        setattr(report, key, value)
    if published and report.published_at is None:
        report.published_at = utcnow()
    elif not published:
        report.published_at = None
    report.updated_at, report.updated_by_id = utcnow(), by.id
    db.session.flush()
    log.info("closing report of assembly %s saved by %s (published: %s)", assembly.id, by.id, published)
    return report


@dataclass(frozen=True)
class Attendance:
    total: int
    regions: list[tuple[str, int]]  # most first; "" is "not given", and, folded, "elsewhere"
    languages: list[tuple[str, int]]
    folded_regions: int  # people counted "elsewhere" (in groups too small to show)
    folded_languages: int


def attendance(assembly: Assembly, *, smallest: int = 1) -> Attendance:
    """Who came (checked in), by region and by language; groups under ``smallest`` folded together."""
    rows = db.session.execute(
        select(Registration.region, Registration.language).where(
            Registration.assembly_id == assembly.id, Registration.status == RegistrationStatus.ATTENDED
        )
    ).all()
    regions, folded_regions = _grouped([region for region, _language in rows], smallest)
    languages, folded_languages = _grouped([language for _region, language in rows], smallest)
    return Attendance(len(rows), regions, languages, folded_regions, folded_languages)


def _grouped(values: list[str], smallest: int) -> tuple[list[tuple[str, int]], int]:
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for value in values:
        shown = " ".join((value or "").split())
        spelling.setdefault(shown.casefold(), shown)
        counts[shown.casefold()] += 1
    kept = [(spelling[key], n) for key, n in counts.most_common() if n >= smallest and key]
    folded = sum(n for key, n in counts.items() if n < smallest or not key)
    return kept, folded
