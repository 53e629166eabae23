"""Checking the values read, the same for every import: each readable row checked by the import's
own rules and held against what the database keeps of each column (``most_characters``), duplicates
marked, and the helpers those rules share (an e-mail address, a value quoted in a message)."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from wtforms.validators import Length

from organiser.coalitions.imports.reader import ImportRow, Layout, ParsedFile

_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def checked(
    parsed: ParsedFile,
    layout: Layout,
    check: Callable[[ImportRow], None],
    key: Callable[[dict[str, str]], Hashable],
    existing: set[Hashable],
) -> ParsedFile:
    """Each readable row checked (``check`` may also normalise its values) and held against the
    database's lengths; an error-free row whose ``key`` is in ``existing`` or on an earlier row is a
    duplicate."""
    seen: set[Hashable] = set()
    for row in parsed.rows:
        if not row.readable:
            continue
        check(row)
        for column, most in layout.columns.items():
            if len(row.values[column]) > most:
                row.errors.append(_("The %(column)s is longer than %(n)s characters", column=column, n=most))
        if not row.errors:
            row.duplicate = key(row.values) in existing or key(row.values) in seen
            seen.add(key(row.values))
    return parsed


def shown(value: str) -> str:
    """A value quoted in a message: at most 60 characters, and kept from reordering the message
    around it when it holds right-to-left controls."""
    value = value if len(value) <= 60 else value[:59] + "…"
    return f"\u2068{value}\u2069" if _BIDI.search(value) else value


def valid_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def most_characters(column: Any, form_field: Any = None) -> int:
    """The longest value an import takes for a column: what the database keeps of it, and no more
    than the form that adds one by hand states (both read from where they are set: one place for
    each number). A Text column has no length of its own: its form's applies."""
    limits = [column.type.length]
    if form_field is not None:
        limits += [v.max for v in form_field.kwargs.get("validators", ()) if isinstance(v, Length)]
    return min(limit for limit in limits if limit)
