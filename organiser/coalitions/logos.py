"""Organisation logos: checked, and re-encoded so that what we serve is never what was uploaded
(``organiser.web.images``): a PNG of at most 512 pixels a side, with no metadata."""

from __future__ import annotations

from flask_babel import gettext as _

from organiser.web.images import ImageRefused, reencode_image

SIDE = 512
LogoError = ImageRefused  # the upload is not a logo we can take; the message says why


def process_logo(data: bytes) -> bytes:
    return reencode_image(
        data, side=SIDE, too_large=_("The logo is too large: use an image of at most 2 MB.")
    )
