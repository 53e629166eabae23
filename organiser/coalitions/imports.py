"""Importing member organisations from CSV: parse and check every row, show a preview, and write
nothing until the coordinator confirms (the confirmation re-reads the same file, checked again)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from organiser.coalitions.models import Coalition, MembershipRole, MembershipStatus, OrganisationType

COLUMNS = [
    "name",
    "type",
    "country",
    "region",
    "website",
    "description",
    "contact_name",
    "contact_email",
    "role",
]
REQUIRED = {"name", "country"}
MAX_ROWS = 2000


class ImportFileError(ValueError):
    """The file as a whole cannot be read: wrong encoding, not CSV, wrong columns, too long."""


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.duplicate


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and try again.")
        ) from exc


def csv_rows(
    text: str, columns: list[str], required: set[str], max_rows: int, too_many: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """The non-empty rows of a CSV file as (line number, {column: value}), headers matched ignoring
    case and spaces; raises ImportFileError when the file is unreadable, lacks a required column, or
    has more than ``max_rows`` rows (``too_many`` says so)."""
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ImportFileError(_("This is not a CSV file we can read.")) from exc
    missing = required - set(header)
    if missing:
        raise ImportFileError(
            _(
                "The first row must name the columns. Missing: %(missing)s. Possible columns: %(columns)s.",
                missing=", ".join(sorted(missing)),
                columns=", ".join(columns),
            )
        )
    try:
        for line, raw in enumerate(reader, start=2):
            if line - 1 > max_rows:
                raise ImportFileError(too_many)
            values = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            if any(values.values()):
                yield line, {c: values.get(c, "") for c in columns}
    except csv.Error as exc:
        raise ImportFileError(_("This is not a CSV file we can read.")) from exc


def parse(text: str, coalition: Coalition, countries: set[str]) -> list[ImportRow]:
    """Every row, checked; raises ImportFileError when the file itself is unusable."""
    existing = {
        _key(m.organisation.name, m.organisation.country)
        for m in coalition.memberships
        if m.status in (MembershipStatus.ACTIVE, MembershipStatus.APPLIED, MembershipStatus.SUSPENDED)
    }
    rows, seen = [], set()
    too_many = _("At most %(n)s organisations at a time.", n=MAX_ROWS)
    for line, values in csv_rows(text, COLUMNS, REQUIRED, MAX_ROWS, too_many):
        row = ImportRow(line, values)
        _check(row, countries)
        key = _key(row.values["name"], row.values["country"].upper())
        row.duplicate = key in existing or key in seen
        seen.add(key)
        rows.append(row)
    return rows


def _key(name: str, country: str | None) -> tuple[str, str]:
    return " ".join(name.casefold().split()), country or ""


def _check(row: ImportRow, countries: set[str]) -> None:
    v = row.values
    v["country"] = v["country"].upper()
    v["type"] = (v["type"] or "other").lower()
    v["role"] = (v["role"] or "member").lower()
    if not v["name"]:
        row.errors.append(_("The name is missing"))
    if v["country"] not in countries:
        row.errors.append(
            _("“%(value)s” is not a two-letter country code such as GB or ZM", value=v["country"])
        )
    if v["type"] not in {str(t) for t in OrganisationType}:
        row.errors.append(_("“%(value)s” is not a type of organisation", value=v["type"]))
    if v["role"] not in {str(r) for r in MembershipRole}:
        row.errors.append(_("The role must be member, steering or chair"))
    if v["website"] and not v["website"].startswith(("https://", "http://")):
        row.errors.append(_("The website must start with https://"))
    if v["contact_email"]:
        try:
            validate_email(v["contact_email"], check_deliverability=False)
        except EmailNotValidError:
            row.errors.append(_("“%(value)s” is not an e-mail address", value=v["contact_email"]))
