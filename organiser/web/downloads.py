"""CSV exports that open safely in spreadsheets, and downloads of personal data written to the
export log coordinators see."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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
