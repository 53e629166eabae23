"""Organisation logos: checked, and re-encoded so that what we serve is never what was uploaded.

Only PNG, JPEG and WebP images are taken (SVG can carry script). Pillow decodes the image (so a
file that only claims to be an image is refused), the pixel count is bounded before decoding (a
"decompression bomb" is refused), and the result is re-encoded as a PNG of at most 512 pixels a
side, with no metadata.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIDE = 512


class LogoError(ValueError):
    """The upload is not a logo we can take; the message says why, for the person uploading."""


def process_logo(data: bytes) -> bytes:
    if len(data) > MAX_BYTES:
        raise LogoError(_("The logo is too large: use an image of at most 2 MB."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise LogoError(_("Use a PNG, JPEG or WebP image."))
            if image.width * image.height > MAX_PIXELS:
                raise LogoError(_("The image has too many pixels: use one of at most 40 megapixels."))
            image.load()
            converted = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise LogoError(_("This file is not an image we can read. Use a PNG, JPEG or WebP image.")) from exc
    converted.thumbnail((SIDE, SIDE))
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()
