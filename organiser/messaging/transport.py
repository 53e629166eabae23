"""Building messages that strict servers accept, and handing them to an SMTP server.

Flask-Mail 0.10 opens its connections with no socket timeout and can emit 7-bit lines over
998 characters, which strict servers refuse. We keep Flask-Mail's ``MAIL_*`` settings but build
each message with ``email.message`` (quoted-printable bodies, so no line is too long) and send
it over ``smtplib`` with a timeout, one connection per batch.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Sequence
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from flask import current_app

from organiser.messaging.mime import Attachment, address, clean, compose, header_value
from organiser.messaging.models import OutboxMessage


class TransientError(Exception):
    """Worth trying again later: a 4xx reply, a dropped connection, a timeout."""


class PermanentError(Exception):
    """The server refused this recipient or message for good (a 5xx reply)."""


def build_message(
    row: OutboxMessage,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """The message for ``row``, ready for DATA: its own headers, then ``headers`` (a mailing's,
    per recipient). See ``organiser.messaging.mime`` for why this does not use ``email.message``."""
    utf8 = not row.recipient.isascii()
    to = address(row.recipient_name, row.recipient) if not utf8 else row.recipient
    lines = [
        ("From", _sender_header(row.sender)),
        ("To", to),
        ("Subject", header_value(row.subject)),
        ("Date", formatdate(usegmt=True)),
        ("Message-ID", make_msgid(domain=_sender_domain(row.sender))),
    ]
    lines += [
        (name, header_value(value)) for name, value in {**(row.headers or {}), **(headers or {})}.items()
    ]
    return compose(lines, text, html, utf8=utf8, attachments=attachments)


def _sender_header(sender: str) -> str:
    """Senders come formatted (``Name <addr>``); one configured with a non-ASCII name gets encoded."""
    if sender.isascii():
        return clean(sender)
    name, addr = parseaddr(sender)
    return address(name, addr)


def _sender_domain(sender: str) -> str:
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "organiser.local"


class SMTPTransport:
    """One SMTP connection, opened lazily and reused for a batch of messages."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = config or current_app.config
        self.conn: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> smtplib.SMTP:
        cfg = self.config
        timeout = cfg["MAIL_TIMEOUT"]
        try:
            if cfg["MAIL_USE_SSL"]:
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    cfg["MAIL_SERVER"],
                    cfg["MAIL_PORT"],
                    timeout=timeout,
                    context=ssl.create_default_context(),
                )
            else:
                conn = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
                if cfg["MAIL_USE_TLS"]:
                    conn.starttls(context=ssl.create_default_context())
            if cfg["MAIL_USERNAME"]:
                conn.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientError(f"cannot connect to {cfg['MAIL_SERVER']}:{cfg['MAIL_PORT']}: {exc}") from exc
        return conn

    def send(self, row: OutboxMessage, data: bytes) -> str:
        """Send one message; returns the server's reply. Raises TransientError or PermanentError.

        MAIL, RCPT and DATA are spoken one by one (not ``sendmail``) so the ledger can keep the
        server's own reply to DATA, usually with its queue id.
        """
        if self.conn is None:
            self.conn = self.open()
        sender, recipient = _address(row.sender), row.recipient
        international = not (sender + recipient).isascii()
        options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
        conn = self.conn
        try:
            conn.ehlo_or_helo_if_needed()
            if international and not conn.has_extn("smtputf8"):
                raise PermanentError("the server cannot take non-ASCII addresses (no SMTPUTF8)")
            if conn.has_extn("pipelining"):
                code, reply = _pipelined(conn, sender, recipient, options, data)
                return f"{code} {reply.decode('utf-8', 'replace')}"
            code, reply = conn.mail(sender, options)
            if code != 250:
                conn.rset()
                raise _classify(code, reply)
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                conn.rset()
                raise _classify(code, reply)
            code, reply = conn.data(data)
            if code != 250:
                raise _classify(code, reply)
        except (TransientError, PermanentError):
            raise
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise _classify(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TransientError(str(exc) or exc.__class__.__name__) from exc
        return f"{code} {reply.decode('utf-8', 'replace')}"

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (OSError, smtplib.SMTPException):
                self.conn.close()
            self.conn = None


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _pipelined(
    conn: smtplib.SMTP, sender: str, recipient: str, options: list[str], data: bytes
) -> tuple[int, bytes]:
    """MAIL, RCPT and DATA in one write, then the message (RFC 2920 PIPELINING): two round trips a
    message instead of four, as Postfix's own client does. Every reply is still read and checked,
    so the ledger records the server's answer to the message itself."""
    extra = (" " + " ".join(options)) if options else ""
    conn.send(f"MAIL FROM:<{sender}>{extra}\r\nRCPT TO:<{recipient}>\r\nDATA\r\n".encode())
    mail_code, mail_reply = conn.getreply()
    rcpt_code, rcpt_reply = conn.getreply()
    data_code, data_reply = conn.getreply()
    if mail_code != 250 or rcpt_code not in (250, 251):
        if data_code == 354:  # some servers accept DATA anyway: end it empty, and forget the transaction
            conn.send(b".\r\n")
            conn.getreply()
        conn.rset()
        raise _classify(*((mail_code, mail_reply) if mail_code != 250 else (rcpt_code, rcpt_reply)))
    if data_code != 354:
        conn.rset()
        raise _classify(data_code, data_reply)
    body = _LEADING_DOT.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    conn.send(body + b".\r\n")
    code, reply = conn.getreply()
    if code != 250:
        raise _classify(code, reply)
    return code, reply


def _address(sender: str) -> str:
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


def _classify(code: int, reply: bytes | str) -> Exception:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    message = f"{code} {text}"
    return PermanentError(message) if 500 <= code < 600 else TransientError(message)
