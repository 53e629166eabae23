"""CSV exports that open safely in spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

from werkzeug.wrappers import Response

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


def logged_csv_download(
    body: str,
    filename: str,
    *,
    what: str,
    by: object,
    coalition_id: int | None = None,
    organisation_id: int | None = None,
) -> Response:
    """A CSV of personal data: the download is written to the export log coordinators see."""
    from organiser.db import db

    if _export_logger is None:
        raise RuntimeError("no export log: the privacy package registers it in its init_app")
    rows = max(sum(1 for _row in csv.reader(io.StringIO(body))) - 1, 0)
    _export_logger(what, rows, by=by, coalition_id=coalition_id, organisation_id=organisation_id)
    db.session.commit()
    return csv_download(body, filename)
