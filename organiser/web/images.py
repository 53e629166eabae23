"""Uploaded images, checked and re-encoded so that what we serve is never what was uploaded
(organisations' logos, the images given with testimonies).

Only PNG, JPEG and WebP images are taken (SVG can carry script). Pillow decodes the image (so a
file that only claims to be an image is refused), the pixel count is bounded before decoding (a
"decompression bomb" is refused), and the result is re-encoded, at most ``side`` pixels a side,
with no metadata (no camera, no place).
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000


class ImageRefused(ValueError):
    """The upload is not an image we can take; the message says why, for the person uploading."""


def reencode_image(data: bytes, *, side: int, too_large: str, photo: bool = False) -> bytes:
    """The image, decoded and re-encoded: a PNG, or (``photo``) a JPEG; ``too_large`` is the
    message for a file over ``MAX_BYTES``."""
    if len(data) > MAX_BYTES:
        raise ImageRefused(too_large)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ImageRefused(_("Use a PNG, JPEG or WebP image."))
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused(_("The image has too many pixels: use one of at most 40 megapixels."))
            image.load()
            converted = image.convert("RGB" if photo else "RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageRefused(
            _("This file is not an image we can read. Use a PNG, JPEG or WebP image.")
        ) from exc
    converted.thumbnail((side, side))
    out = io.BytesIO()
    if photo:
        converted.save(out, format="JPEG", quality=85, optimize=True)
    else:
        converted.save(out, format="PNG", optimize=True)
    return out.getvalue()
