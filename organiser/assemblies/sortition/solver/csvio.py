"""Reading the spreadsheets organisers already have: categories with quotas, and respondents."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from organiser.assemblies.sortition.solver.model import Quota


def _rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    rows = []
    for line, row in enumerate(reader, start=2):
        cleaned = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if any(cleaned.values()):
            rows.append((line, cleaned))
    return header, rows


def _whole(value: str, name: str, line: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"row {line}: {name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"row {line}: {name} must not be negative")
    return number


def read_categories_csv(text: str) -> tuple[Quota, ...]:
    """Quotas from a CSV with the columns category, feature, min, max (one row per feature)."""
    header, rows = _rows(text)
    missing = [c for c in ("category", "feature", "min", "max") if c not in {h.lower() for h in header}]
    if missing:
        raise ValueError(
            "the categories file needs the columns category, feature, min, max "
            f"(missing: {', '.join(missing)})"
        )
    errors: list[str] = []
    quotas: list[Quota] = []
    seen: set[tuple[str, str]] = set()
    for line, row in rows:
        row = {k.lower(): v for k, v in row.items()}
        try:
            category, feature = row["category"], row["feature"]
            if not category or not feature:
                raise ValueError(f"row {line}: category and feature must not be empty")
            low, high = _whole(row["min"], "min", line), _whole(row["max"], "max", line)
            if low > high:
                raise ValueError(f"row {line}: min ({low}) is above max ({high})")
            if (category, feature) in seen:
                raise ValueError(f"row {line}: {category} = {feature} appears twice")
        except ValueError as exc:
            errors.append(str(exc))
            continue
        seen.add((category, feature))
        quotas.append(Quota(category, feature, low, high))
    if errors:
        raise ValueError("; ".join(errors))
    if not quotas:
        raise ValueError("the categories file has no rows")
    return tuple(quotas)


def read_people_csv(text: str, categories: Iterable[str]) -> dict[str, dict[str, str]]:
    """Respondents from a CSV with an ``id`` column and one column per category (other columns ignored)."""
    categories = list(dict.fromkeys(categories))
    header, rows = _rows(text)
    lowered = {h.lower(): h for h in header}
    if "id" not in lowered:
        raise ValueError("the respondents file needs an id column")
    missing = [c for c in categories if c not in header]
    if missing:
        raise ValueError(f"the respondents file has no column for: {', '.join(missing)}")
    errors: list[str] = []
    people: dict[str, dict[str, str]] = {}
    for line, row in rows:
        person = row.get(lowered["id"], "")
        empty = [c for c in categories if not row.get(c)]
        if not person:
            errors.append(f"row {line}: the id is empty")
        elif person in people:
            errors.append(f"row {line}: the id {person!r} appears twice")
        elif empty:
            errors.append(f"row {line}: no value for {', '.join(empty)}")
        else:
            people[person] = {c: row[c] for c in categories}
    if errors:
        raise ValueError("; ".join(errors))
    return people
