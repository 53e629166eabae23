"""Files given with a testimony: images re-encoded as JPEG without metadata, PDFs re-written page by
page without scripts, annotations or metadata; anything else refused with a reason for the person."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from organiser.assemblies.tribunals.services import attachments
from organiser.assemblies.tribunals.services.attachments import AttachmentRefused, clean_attachment


def _image(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if fmt != "JPEG" else "RGB", size, "blue").save(out, format=fmt)
    return out.getvalue()


def _pdf(pages: int = 1, *, password: str = "", annotated: bool = False) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=100, height=100)
    if annotated:
        link = DictionaryObject({NameObject("/Subtype"): NameObject("/Link")})
        writer.pages[0][NameObject("/Annots")] = writer._add_object(link)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_images_become_jpegs_with_a_clean_name(app, fmt):
    with app.test_request_context():
        cleaned = clean_attachment("C:\\Users\\me\\<photo>.png", _image(fmt))
    assert cleaned.content_type == "image/jpeg" and cleaned.filename == "photo.jpg"
    assert Image.open(io.BytesIO(cleaned.data)).format == "JPEG"


def test_a_pdf_is_rewritten_without_its_annotations(app):
    with app.test_request_context():
        cleaned = clean_attachment("report.PDF", _pdf(2, annotated=True))
    assert (cleaned.filename, cleaned.content_type) == ("report.pdf", "application/pdf")
    reader = PdfReader(io.BytesIO(cleaned.data))
    assert len(reader.pages) == 2 and "/Annots" not in reader.pages[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not really", "This file is not an image we can read"),
        (b"%PDF-1.4 broken", "This PDF document cannot be read"),
        (_pdf(password="secret"), "protected by a password"),  # noqa: S106 (a test file's password)
        (_pdf(attachments.MAX_PDF_PAGES + 1), "at most 50 pages"),
        (b"%PDF-" + b"0" * (attachments.MAX_PDF_BYTES + 1), "at most 4 MB"),
        (b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1), "is too large"),
    ],
)
def test_what_we_cannot_take_is_refused_with_a_reason(app, data, message):
    with app.test_request_context(), pytest.raises(AttachmentRefused) as refused:
        clean_attachment("upload", data)
    assert message in str(refused.value)
