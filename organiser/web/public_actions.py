"""What every public action form shares — signing a petition, writing a letter, registering for an
assembly, and the testimonies and volunteer forms to come. No account and no session (so no CSRF
token: the pages stay cacheable under a surge); double opt-in, a honeypot and the named rate limits
(``organiser.web.limits``) guard them:

* links that confirm by e-mail, signed for one purpose each (``link_token``, ``read_link_token``);
* acting again re-sends the link (or says it was done already) at most ``MAX_CONFIRMATION_SENDS``
  times, so the form cannot be used to flood a mailbox;
* the honeypot: a field people never see; a bot that fills it in is answered as a person is, and
  nothing is kept;
* a link in an e-mail opens a page with a button (GET shows, POST acts): mail scanners follow links.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from organiser.db import db

MAX_CONFIRMATION_SENDS = 3


def _serializer(purpose: str) -> URLSafeSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"], purpose)


@functools.lru_cache(maxsize=32)
def _serializer_for(secret: str, purpose: str) -> URLSafeSerializer:  # built once: signing is a hot path
    return URLSafeSerializer(secret, salt=f"organiser.{purpose}")


def link_token(purpose: str, value: Any) -> str:
    """A token for a link that does one thing (``purpose``: "signature", "letter", …) to ``value``."""
    return _serializer(purpose).dumps(value)


def read_link_token(purpose: str, token: str) -> Any:
    """What ``link_token`` signed for this purpose, or None for a token that is not ours."""
    try:
        return _serializer(purpose).loads(token)
    except BadSignature:
        return None


def row_for_link(model: type, purpose: str, token: str) -> Any:
    """The row of ``model`` a link for ``purpose`` names, or None: a token that is not ours, a row
    that is gone, or one whose person was erased (``person_id`` blanked: the links die with the data)."""
    row_id = read_link_token(purpose, token)
    if not isinstance(row_id, int):
        return None
    row = db.session.get(model, row_id)
    return None if row is None or row.person_id is None else row


def is_bot(form: Any) -> bool:
    """Whether the honeypot field (``website``, hidden from people) was filled in."""
    return bool(form.website.data)


def confirmation_page(
    found: bool, *, bad_link: Callable[[], str], show: Callable[[], str], confirm: Callable[[], Any]
) -> Any:
    """The page a link in an e-mail opens. GET shows a button and changes nothing (mail scanners
    follow links); POST confirms (``confirm`` acts, commits and answers). A link that is not ours,
    or whose data was erased since (``found`` false), gets ``bad_link``, with a 404."""
    if not found:
        return bad_link(), 404
    if request.method == "POST":
        return confirm()
    return show()
