"""The local outbox page: where mail goes when no SMTP server is configured (the embedded default)."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from organiser.db import db
from organiser.messaging.models import OutboxMessage
from organiser.messaging.services import recent_messages

bp = Blueprint("messaging", __name__)
_LINK = re.compile(r"https?://[^\s<>\"]+")


def _require_local_mail_reader() -> None:
    """Only while mail is local, and only for people who run things (admins, coordinators, organisers)."""
    if current_app.config["MAIL_BACKEND"] != "local":
        abort(404)
    if not current_user.grants:
        abort(403)


def linkify(text: str) -> Markup:
    """Plain-text mail shown with its links clickable, everything else escaped."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        out.append(escape(text[last : match.start()]))
        url = escape(match.group(0))
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@bp.get("/dev/mail")
@login_required
def outbox() -> str:
    """The latest messages in the local outbox."""
    _require_local_mail_reader()
    return render_template("messaging/outbox.html", messages=recent_messages())


@bp.get("/dev/mail/<int:message_id>")
@login_required
def message(message_id: int) -> str:
    """One message from the local outbox, its links clickable."""
    _require_local_mail_reader()
    row = db.session.get(OutboxMessage, message_id)
    if row is None:
        abort(404)
    return render_template("messaging/message.html", message=row, body=linkify(row.body_text))
