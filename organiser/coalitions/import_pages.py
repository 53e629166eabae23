"""The pages of a CSV import, shared by member organisations and decision-makers: upload → every row
checked in a preview → confirm (the file comes back in a hidden field, and is parsed and checked
again) → write. The reading and the checks are in organiser.coalitions.imports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from flask import current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from organiser.coalitions.imports import ImportFileError, ImportRow, ParsedFile, decode
from organiser.db import db


@dataclass(frozen=True)
class ImportPages:
    """What differs between the CSV imports' pages."""

    parse: Callable[[str], ParsedFile]
    write: Callable[[list[ImportRow]], int]  # writes the rows that are ok; returns how many
    done: Callable[[int, int], str]  # the message after writing (written, skipped)
    templates: tuple[str, str]  # the upload page and the preview
    upload_url: str
    after_url: str  # where the coordinator goes after writing


def import_page(pages: ImportPages, form: Any, confirm: Any, **context: Any) -> str | Response:
    """Upload → checked preview → confirm → write: nothing is written before the confirmation, which
    parses and checks the same file again."""
    if "payload" in request.form and confirm.validate_on_submit():
        try:
            parsed = pages.parse(confirm.payload.data or "")
        except ImportFileError as exc:
            flash(str(exc), "error")
            return redirect(pages.upload_url)
        written = pages.write(parsed.rows)
        db.session.commit()
        flash(pages.done(written, len(parsed.rows) - written), "success")
        return redirect(pages.after_url)
    if form.validate_on_submit():
        try:
            text = decode(form.file.data.read())
            parsed = pages.parse(text)
            _fits_the_confirmation(text)
        except ImportFileError as exc:
            form.file.errors.append(str(exc))
        else:
            confirm.payload.data = text
            return render_template(
                pages.templates[1],
                rows=parsed.rows,
                ignored=parsed.ignored,
                good=parsed.good,
                confirm=confirm,
                **context,
            )
    return render_template(pages.templates[0], form=form, **context)


def _fits_the_confirmation(text: str) -> None:
    """The confirmation sends the file back form-encoded (up to three times longer, line ends as
    CR LF): refuse now a file whose confirmation the server would refuse as too large."""
    sent = quote_plus(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n"))
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and len(sent) + 4096 > limit:
        raise ImportFileError(
            _("This file is too large to check and import in one go: split it into smaller files.")
        )
