"""Turning a mailing into each recipient's message: Markdown to safe HTML and text, once per
mailing; then per person only the name, the unsubscribe link and the headers change."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

import markdown
import nh3
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from organiser.messaging.models import Mailing, OutboxMessage
from organiser.messaging.owners import owner_of
from organiser.messaging.services.audiences import sender_subject
from organiser.messaging.services.suppression import unsubscribe_token
from organiser.web.urls import external_url

NAME_TAG = "{{ name }}"


def markdown_to_html(source: str) -> str:
    """Markdown rendered, then sanitised: only harmless tags and http(s)/mailto links survive."""
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    return nh3.clean(html, url_schemes={"http", "https", "mailto"}, link_rel="noopener")


def from_header(display_name: str) -> str:
    """Mail leaves from our own address (so SPF and DMARC pass) under the sender's name."""
    _name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return formataddr((display_name, address))


@dataclass
class RenderedMailing:
    mailing_id: int
    subject: str
    sender: str
    reply_to: str
    list_id: str
    sender_name: str
    subject_type: str
    subject_id: int
    text: str
    html: str
    fallback_name: str
    footer_text: str
    footer_html: str
    unsubscribe_base: str  # the unsubscribe URL with TOKEN where each person's token goes

    def message_for(
        self, row: OutboxMessage, *, unsubscribe_url: str | None = None
    ) -> tuple[dict[str, str], str, str]:
        """Headers, text and HTML for one recipient."""
        url = unsubscribe_url or self.unsubscribe_base.replace(
            "TOKEN", unsubscribe_token(row.person_id or 0, self.subject_type, self.subject_id)
        )
        name = row.recipient_name or self.fallback_name
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": self.list_id,
            "X-Organiser-Mailing": str(self.mailing_id),
        }
        if self.reply_to:
            headers["Reply-To"] = self.reply_to
        text = self.text.replace(NAME_TAG, name) + self.footer_text.replace("{url}", url)
        html = self.html.replace(NAME_TAG, str(escape(name))) + self.footer_html.replace(
            "{url}", str(escape(url))
        )
        return headers, text, html


def render_mailing(mailing: Mailing) -> RenderedMailing:
    owner = owner_of(mailing)
    sender_name = owner.name
    subject_type, subject_id = sender_subject(mailing)
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "organiser.local"
    language = owner.language
    with force_locale(language if language in current_app.config["LANGUAGES"] else "en"):
        fallback = _("friend")
        reason = _("You get this e-mail because you agreed to hear from %(sender)s.", sender=sender_name)
        unsubscribe = _("Unsubscribe")
    body_html = markdown_to_html(mailing.body_markdown)
    return RenderedMailing(
        mailing_id=mailing.id,
        subject=mailing.subject,
        sender=from_header(mailing.from_name or sender_name),
        reply_to=mailing.reply_to,
        list_id=f"{sender_name} <{owner.coalition.slug}.{host}>",
        sender_name=sender_name,
        subject_type=str(subject_type),
        subject_id=subject_id,
        unsubscribe_base=external_url("messaging.unsubscribe_page", token="TOKEN"),  # noqa: S106
        text=mailing.body_markdown.rstrip() + "\n",
        html=f"<!doctype html><html><body>{body_html}",
        fallback_name=fallback,
        footer_text=f"\n--\n{reason}\n{unsubscribe}: {{url}}\n",
        footer_html=(
            f'<hr><p style="font-size:small">{escape(reason)} <a href="{{url}}">{escape(unsubscribe)}</a></p>'
            "</body></html>"
        ),
    )
