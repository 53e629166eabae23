"""Pages served gzip-compressed to clients that accept it (``Accept-Encoding: gzip``): a petition page
of 12 KB travels as 3 KB, which counts on a phone on a slow network.

Compressed here, as the response leaves Flask: only text (HTML, JSON, CSV, calendars, SVG…) of at
least ``MIN_SIZE`` bytes, never a streamed response (a download written as it goes), never one that
is already encoded, never a partial one. Every response that could have been compressed says
``Vary: Accept-Encoding``, so a shared cache keeps the two versions apart; the public-page memory
(``organiser.web.microcache``) keeps them apart too, so the compressed copy of a public page is
made once a second, not once a reader."""

from __future__ import annotations

import gzip
from typing import Any

from flask import Flask, request
from werkzeug.http import parse_accept_header

MIN_SIZE = 1024  # smaller bodies gain less than the gzip header and the work cost
LEVEL = 5  # nearly the size of level 9 at a third of the time
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "image/svg+xml",
)


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value takes gzip (or anything: ``*``) with a non-zero quality."""
    if not header:
        return False
    accepted = parse_accept_header(header)
    return any(value.lower() in ("gzip", "x-gzip", "*") and quality > 0 for value, quality in accepted)


def compressible(response: Any) -> bool:
    """Text worth compressing, whole in memory, not encoded yet, not a range."""
    return (
        response.status_code not in (204, 206, 304)
        and not response.direct_passthrough
        and not response.is_streamed
        and "Content-Encoding" not in response.headers
        and (response.mimetype or "").startswith(COMPRESSIBLE)
    )


def compress(response: Any) -> Any:
    """After each request: gzip the body if the client takes it and it is worth it."""
    if not compressible(response):
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip(request.headers.get("Accept-Encoding")):
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    if response.get_etag()[0] is not None:  # the compressed bytes are not the ones it named
        response.headers["ETag"] = response.headers["ETag"].rstrip('"') + '-gzip"'
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
