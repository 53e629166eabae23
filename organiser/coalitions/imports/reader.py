"""Reading a CSV file for an import, the same for every import (members, decision-makers): the
text decoded, the columns the first row names, and every row below it with the reasons its cells
cannot be imported as they are.

What a file may be, decided once for all:
* UTF-8 text (a byte-order mark is fine); NUL bytes mean it is not a text file at all.
* Values separated by commas, semicolons (spreadsheets in many European languages) or tabs: the one
  that makes the most column names of the first row is used.
* Lines ending in CR LF, LF or CR (old Macs), mixed if need be.
* One row a line. A row whose quotation marks do not pair up is reported, and the lines after it are
  read on their own (an unclosed quotation mark never swallows the next rows); a row that runs over
  several lines (a line break inside a cell, or a quotation mark closed lines later) is reported too.
* A cell with control characters, a value in a column the first row does not name: each is a reason
  given on that row, never a silent change. Other named columns are ignored, and the preview says
  which. Values starting with = are kept as they are: every export is formula-safe.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from organiser.web.inputs import CONTROLS, without_controls

DELIMITERS = (",", ";", "\t")  # on a tie, the first wins
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_CONTROLS_IN_A_LINE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # line breaks: reported apart


class ImportFileError(ValueError):
    """The file as a whole cannot be read: not text, not UTF-8, wrong columns, no rows, too long."""


@dataclass(frozen=True)
class Layout:
    """What one import reads: each column with the most characters stored of it, the columns the
    first row must name, and how many rows a file may have."""

    columns: Mapping[str, int]
    required: frozenset[str]
    max_rows: int
    too_many: str  # the message when a file has more rows


@dataclass
class ImportRow:
    line: int  # the line of the file it starts on (the header is line 1)
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False
    notes: list[str] = field(default_factory=list)  # ready, with something the coordinator should know
    end: int = 0  # the line it ends on (more than ``line`` only for a row in error)
    readable: bool = True  # False when its cells cannot be trusted (quotes, extra cells, line breaks)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.duplicate


@dataclass
class ParsedFile:
    rows: list[ImportRow]
    ignored: list[str]  # columns the first row names that are not imported

    @property
    def good(self) -> int:
        return sum(row.ok for row in self.rows)


def decode(data: bytes) -> str:
    """The file's text; raises ImportFileError for an empty file, a binary one, or one not in UTF-8."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if b"\x00" in data:
        raise ImportFileError(_not_text())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and try again.")
        ) from exc


def _not_text() -> str:
    return _(
        "This is not a text file (it has NUL bytes in it). "
        "In your spreadsheet, save it as “CSV UTF-8” and try again."
    )


# ---- reading the file -----------------------------------------------------------------------------


def csv_rows(text: str, layout: Layout) -> ParsedFile:
    """Every non-empty row below the first (which names the columns, matched ignoring case, spaces and
    hyphens), with the reasons its cells cannot be imported as they are; raises ImportFileError when
    the file as a whole is unusable."""
    if "\x00" in text:
        raise ImportFileError(_not_text())
    delimiter = _delimiter(text, layout)
    records = (r for r in _records(text, delimiter) if not r.blank)
    header = next(records, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    names = _header(header, layout)
    rows: list[ImportRow] = []
    for record in records:
        if len(rows) == layout.max_rows:
            raise ImportFileError(layout.too_many)
        rows.append(record.row(names, layout, delimiter))
    if not rows:
        raise ImportFileError(_("There are no rows below the column names: there is nothing to import."))
    ignored = [without_controls(n) for n in dict.fromkeys(names) if n and n not in layout.columns]
    return ParsedFile(rows, ignored)


def column_name(cell: str) -> str:
    """A column as the first row names it, matched ignoring case, spaces and hyphens."""
    return "_".join(cell.replace("\ufeff", "").lower().replace("-", " ").split())


def _delimiter(text: str, layout: Layout) -> str:
    first = next((m.group() for m in _LINE.finditer(text) if m.group().strip()), "")

    def known(delimiter: str) -> int:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            return 0
        return sum(column_name(c) in layout.columns for c in cells)

    return max(DELIMITERS, key=known)


def _header(header: _Record, layout: Layout) -> list[str]:
    if header.cells is None:
        raise ImportFileError(
            _("The first row, with the column names, cannot be read: check its quotation marks.")
        )
    names = [column_name(c) for c in header.cells]
    missing = layout.required - set(names)
    if missing:
        raise ImportFileError(
            _(
                "The first row must name the columns. Missing: %(missing)s. Possible columns: %(columns)s.",
                missing=", ".join(sorted(missing)),
                columns=", ".join(layout.columns),
            )
        )
    twice = sorted({n for n in names if n in layout.columns and names.count(n) > 1})
    if twice:
        raise ImportFileError(
            _("The first row names these columns more than once: %(names)s.", names=", ".join(twice))
        )
    return names


@dataclass
class _Record:
    first: int
    last: int
    cells: list[str] | None  # None: its quotation marks do not pair up
    reason: str = ""

    @property
    def blank(self) -> bool:
        return (
            self.cells is not None
            and self.first == self.last
            and all(not c.strip() and not CONTROLS.search(c) for c in self.cells)
        )

    def row(self, names: list[str], layout: Layout, delimiter: str) -> ImportRow:
        row = ImportRow(self.first, dict.fromkeys(layout.columns, ""), end=self.last)
        if self.cells is None:
            row.errors.append(self.reason)
            row.readable = False
            return row
        if self.last > self.first:
            row.errors.append(
                _(
                    "This row runs from line %(first)s to line %(last)s: a quotation mark is not closed, "
                    "or a cell has a line break in it.",
                    first=self.first,
                    last=self.last,
                )
            )
            row.readable = False
        for index, cell in enumerate(self.cells):
            name = names[index] if index < len(names) else ""
            if name in layout.columns:
                if _CONTROLS_IN_A_LINE.search(cell):
                    row.errors.append(_("The %(column)s has invisible control characters in it", column=name))
                row.values[name] = cell.strip()
            elif not name and (cell.strip() or CONTROLS.search(cell)) and row.readable:
                row.errors.append(_unnamed(index, len(names), delimiter))
                row.readable = False
        return row


def _unnamed(index: int, named: int, delimiter: str) -> str:
    if index < named:
        return _("Column %(n)s has no name in the first row, but this row has a value there", n=index + 1)
    shown = _("tab") if delimiter == "\t" else delimiter
    return _(
        "This row has more values than the first row has columns: "
        "a value with a “%(delimiter)s” in it must be in quotation marks",
        delimiter=shown,
    )


class _Lines:
    """The file's lines as csv.reader reads them, one at a time, from a position that can be moved
    back (to read again after a row whose quotation marks do not pair up)."""

    def __init__(self, text: str) -> None:
        self.lines = _LINE.findall(text)
        self.position = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def _records(text: str, delimiter: str) -> Iterator[_Record]:
    lines = _Lines(text)
    while lines.position < len(lines.lines):
        first = lines.position
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            for cells in reader:
                yield _Record(first + 1, lines.position, cells)
                first = lines.position
        except csv.Error as exc:
            yield _Record(first + 1, first + 1, None, _reason(exc, lines.lines[first]))
            lines.position = first + 1


def _reason(exc: csv.Error, line: str) -> str:
    # A quotation mark left open reads on to the field limit when many lines follow (a long file):
    # the quotation mark is the reason then, not the length.
    if "field limit" in str(exc) and line.count('"') % 2 == 0:
        return _("A value in this row is far too long")
    return _(
        "The quotation marks in this row do not pair up: one is not closed, or text follows a closing one"
    )
