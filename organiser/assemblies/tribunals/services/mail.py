"""The e-mails to a witness: the link that confirms their testimony, and what the organisers
decided (approved, changes asked, rejected), each with the link to their own page. None carries the
witness's name: an anonymous witness's mail reveals nothing even if it is read by someone else.
Each goes to the outbox inside the transaction, tied to the person so that erasing them finds it."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _

from organiser.assemblies.tribunals.models import Testimony
from organiser.assemblies.tribunals.services.links import confirmation_url, page_url
from organiser.db import db
from organiser.messaging.services import queue_email
from organiser.web.urls import external_url


def send_confirmation(testimony: Testimony) -> None:
    title = testimony.assembly.title
    send(
        testimony,
        "confirm.txt",
        _("Confirm your testimony: %(title)s", title=title),
        link=confirmation_url(testimony),
    )


def send_recorded(testimony: Testimony) -> None:
    """A testimony the organisers wrote down: the witness gets the link to their own page."""
    send(
        testimony, "recorded.txt", _("Your testimony is recorded: %(title)s", title=testimony.assembly.title)
    )


def send_decision(testimony: Testimony) -> None:
    subjects = {
        "approved": _("Your testimony is accepted: %(title)s"),
        "changes_requested": _("Please change your testimony: %(title)s"),
        "rejected": _("Your testimony was not accepted: %(title)s"),
    }
    subject = subjects[str(testimony.status)] % {"title": testimony.assembly.title}
    send(testimony, f"{testimony.status}.txt", subject)


def send(testimony: Testimony, template: str, subject: str, **context: Any) -> None:
    """One e-mail to the witness (if we have their address)."""
    if not testimony.email:
        return
    assembly = testimony.assembly
    text = render_template(
        f"assemblies/tribunals/email/{template}",
        assembly=assembly,
        testimony=testimony,
        page_link=page_url(testimony),
        public_link=external_url("assemblies.public", slug=assembly.slug),
        **context,
    )
    row = queue_email(to=testimony.email, subject=subject, text=text)
    row.person_id = testimony.person_id  # so erasing the person finds the message
    db.session.flush()
