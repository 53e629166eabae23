"""A registrant's check-in code as a QR code of a URL: a phone's camera app opens it, and an organiser
signed in on that phone lands on the page that checks the person in (GET shows a button, POST checks
in). The URL opens nothing for anyone else: the page is the organisers' alone. Drawn by segno, as an
inline SVG on the registrant's page and a PNG attached to their e-mails (no JavaScript anywhere)."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup, escape

from organiser.assemblies.models import Registration
from organiser.web.urls import external_url


def check_in_url(registration: Registration) -> str:
    return external_url(
        "dayof.check_in_code", slug=registration.assembly.slug, code=registration.check_in_code or ""
    )


def _code(registration: Registration) -> segno.QRCode:
    return segno.make(check_in_url(registration), error="m", micro=False)


def qr_svg(registration: Registration, label: str) -> Markup:
    """The QR code as an inline SVG image, named for screen readers by ``label``."""
    svg = _code(registration).svg_inline(border=4, title=str(label), dark="#000", light="#fff", omitsize=True)
    size = 'width="200" height="200"'  # scaled from its viewBox: fits the narrowest phone, and scans
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" {size} ', 1))  # noqa: S704


def qr_png(registration: Registration) -> bytes:
    buffer = io.BytesIO()
    _code(registration).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
