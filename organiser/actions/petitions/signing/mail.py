"""The e-mails of signing, in the signer's language: the link that confirms a signature (one
message, or a batch's as one multi-row insert into the outbox), and "you have signed already"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import force_locale
from flask_babel import gettext as _

from organiser.actions.petitions.models import Petition
from organiser.messaging.services.outbox import insert_messages, queue_email_coalesced
from organiser.web.public_actions import link_token
from organiser.web.templating import render_with_holes
from organiser.web.urls import external_url

if TYPE_CHECKING:
    from organiser.actions.petitions.signing.batch import Entry


def send_confirmation(petition: Petition, signature_id: int, name: str, address: str, person_id: int) -> None:
    queue_email_coalesced(**_confirmation(petition, signature_id, name, address, person_id))


def send_confirmations(confirmations: list[tuple[Entry, int, str, int]]) -> None:
    """The confirmation e-mails of a batch, as one multi-row insert into the outbox."""
    messages = []
    for entry, signature_id, address, person_id in sorted(confirmations, key=lambda c: c[0].language):
        with force_locale(entry.language):
            messages.append(
                _confirmation(entry.petition, signature_id, entry.data["name"], address, person_id)
            )
    insert_messages(messages)


def _confirmation(
    petition: Petition, signature_id: int, name: str, address: str, person_id: int
) -> dict[str, Any]:
    """The e-mail with the link that confirms a signature, in the current language."""
    link = external_url("petitions.confirm", slug=petition.slug, token=link_token("signature", signature_id))
    text = render_with_holes(
        "actions/petitions/email/confirm.txt",
        (petition.id, petition.title),
        {"name": name, "link": link},
        petition=petition,
    )
    subject = _("Confirm your signature: %(title)s", title=petition.title)
    return {"to": address, "subject": subject, "text": text, "person_id": person_id}


def send_signed_already(petition: Petition, name: str, address: str, person_id: int) -> None:
    """Someone signed again after confirming: the mailbox's owner is told it counted already."""
    link = external_url("petitions.petition", slug=petition.slug)
    text = render_with_holes(
        "actions/petitions/email/signed_already.txt",
        (petition.id, petition.title),
        {"name": name, "link": link},
        petition=petition,
    )
    queue_email_coalesced(
        to=address,
        subject=_("You have signed already: %(title)s", title=petition.title),
        text=text,
        person_id=person_id,
    )
