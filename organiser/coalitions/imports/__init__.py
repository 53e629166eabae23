"""CSV imports, shared by member organisations and decision-makers (actions.targets.services):
upload → every row checked in a preview → confirm (the same file comes back in a hidden field and is
parsed and checked again) → write. Nothing is written before the confirmation; the pages are
``organiser.coalitions.import_pages``.

``reader`` reads any import's file (what a file may be is decided there, once for all), ``checks``
holds the rows against the database and marks duplicates, and ``members`` is the members' import
(its columns, its checks, ``parse``)."""

from __future__ import annotations

from organiser.coalitions.imports.checks import checked, most_characters, shown, valid_email
from organiser.coalitions.imports.members import COLUMNS, MEMBERS, parse
from organiser.coalitions.imports.reader import (
    DELIMITERS,
    ImportFileError,
    ImportRow,
    Layout,
    ParsedFile,
    csv_rows,
    decode,
)

__all__ = [
    "COLUMNS",
    "DELIMITERS",
    "MEMBERS",
    "ImportFileError",
    "ImportRow",
    "Layout",
    "ParsedFile",
    "checked",
    "csv_rows",
    "decode",
    "most_characters",
    "parse",
    "shown",
    "valid_email",
]
