"""The files given with a testimony: images re-encoded as logos are (``organiser.web.images``), PDF
documents checked and re-written page by page with pypdf — without the document's scripts, forms,
links, attachments and metadata, which live outside the pages or in their annotations. What we keep
is never the uploaded bytes."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from organiser.web.images import ImageRefused, reencode_image

log = logging.getLogger(__name__)

MAX_PDF_BYTES = 4 * 1024 * 1024
MAX_PDF_PAGES = 50
PHOTO_SIDE = 1600
# What a page keeps of its own entries: its content and how to draw it; no annotations (links,
# form fields, pop-ups, embedded files) and no actions run when it opens.
_PAGE_DROPS = ("/Annots", "/AA", "/B", "/PieceInfo", "/Metadata", "/Thumb")


class AttachmentRefused(ValueError):
    """The file is not one we can take; the message says why, for the person uploading."""


@dataclass(frozen=True)
class CleanFile:
    filename: str
    content_type: str
    data: bytes


def clean_attachment(filename: str, data: bytes) -> CleanFile:
    """The file, checked and re-encoded, or ``AttachmentRefused`` with the reason."""
    name = _safe_name(filename)
    if data.startswith(b"%PDF-"):
        return CleanFile(_with_suffix(name, ".pdf"), "application/pdf", rewrite_pdf(data))
    try:
        image = reencode_image(
            data,
            side=PHOTO_SIDE,
            photo=True,
            too_large=_("“%(name)s” is too large: use an image of at most 2 MB.", name=name),
        )
    except ImageRefused as exc:
        raise AttachmentRefused(
            _("“%(name)s”: %(reason)s Or a PDF document.", name=name, reason=str(exc))
        ) from exc
    return CleanFile(_with_suffix(name, ".jpg"), "image/jpeg", image)


def rewrite_pdf(data: bytes) -> bytes:
    """A new PDF made of the pages only, each stripped of annotations and actions."""
    if len(data) > MAX_PDF_BYTES:
        raise AttachmentRefused(_("The PDF document is too large: use one of at most 4 MB."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentRefused(_("The PDF document is protected by a password: send one without."))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise AttachmentRefused(_("The PDF document is too long: use one of at most 50 pages."))
        writer = PdfWriter()
        for page in reader.pages:
            for key in _PAGE_DROPS:
                page.pop(NameObject(key), None)
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except AttachmentRefused:
        raise
    except Exception as exc:  # noqa: BLE001 (a broken file can fail anywhere in the parser)
        log.info("a testimony's PDF was refused: %s", type(exc).__name__)
        raise AttachmentRefused(_("This PDF document cannot be read. Try saving it again as PDF.")) from exc
    if len(out.getvalue()) > MAX_PDF_BYTES:
        raise AttachmentRefused(_("The PDF document is too large: use one of at most 4 MB."))
    return out.getvalue()


def _safe_name(filename: str) -> str:
    """The name to show for a file: its last part, printable characters only, at most 100."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip(" .")
    return cleaned[:100] or "file"


def _with_suffix(name: str, suffix: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[:90]}{suffix}"
