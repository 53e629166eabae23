"""CSV exports that open safely in spreadsheets, and downloads of personal data written to the
export log coordinators see."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from flask import stream_with_context
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe
    (OWASP's advice against CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def csv_download(body: str, filename: str) -> Response:
    """A CSV file to save, never cached (it holds personal data)."""
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


ExportLogger = Callable[..., object]
_export_logger: ExportLogger | None = None


def set_export_logger(logger: ExportLogger) -> None:
    """Privacy keeps the log of personal-data downloads; it registers how to write to it."""
    global _export_logger
    _export_logger = logger


def _log_export(what: str, rows: int, *, by: object, **scope: int | None) -> None:
    from organiser.db import db

    if _export_logger is None:
        raise RuntimeError("no export log: the privacy package registers it in its init_app")
    _export_logger(what, rows, by=by, **scope)
    db.session.commit()


@dataclass(frozen=True)
class Export:
    """A CSV of personal data as a service builds it for coordinators: the file's name, what it is
    of (as the export log names it), its header and rows, and whose data it is."""

    filename: str
    what: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    coalition_id: int | None = None
    organisation_id: int | None = None


def export_download(export: Export, *, by: object) -> Response:
    """The export as a file to save (formula-safe, never cached); the download is logged, in the
    export log coordinators see and in the application's log."""
    scope = {"coalition_id": export.coalition_id, "organisation_id": export.organisation_id}
    _log_export(export.what, len(export.rows), by=by, **scope)
    log.info("%s exported by %s (%s rows)", export.filename, getattr(by, "id", by), len(export.rows))
    return csv_download(to_csv(export.header, export.rows), export.filename)


# ---- exports too large to hold in memory ---------------------------------------------------------

STREAM_CHUNK_ROWS = 500  # rows written out at a time


@dataclass(frozen=True)
class StreamedExport:
    """An export written out as it is read (a coalition's whole list of supporters, a million rows):
    like ``Export``, but ``rows`` is lazy — a generator reading from a server-side cursor — and
    ``count`` (how many rows matched when the download began) is what the export log records."""

    filename: str
    what: str
    header: Sequence[str]
    count: int
    rows: Iterable[Sequence[object]]
    coalition_id: int | None = None
    organisation_id: int | None = None


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text (formula-safe), a few hundred rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        writer.writerow([safe_cell(v) for v in row])
        if number % STREAM_CHUNK_ROWS == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def streamed_download(export: StreamedExport, *, by: object) -> Response:
    """The export as a file to save, streamed (never cached, never held whole in memory); logged
    before the first row is read, as ``export_download`` logs."""
    scope = {"coalition_id": export.coalition_id, "organisation_id": export.organisation_id}
    _log_export(export.what, export.count, by=by, **scope)
    log.info("%s exported by %s (%s rows, streamed)", export.filename, getattr(by, "id", by), export.count)
    return Response(
        stream_with_context(csv_chunks(export.header, export.rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "private, no-store",
        },
    )
