"""Attachments: multipart/mixed that the standard library parses back exactly, lines within limits;
a message without attachments keeps its single-part shape."""

from __future__ import annotations

import email
import email.policy

from organiser.messaging.mime import Attachment, compose

HEADERS = [("From", "a@example.org"), ("To", "b@example.org"), ("Subject", "Petition")]
CSV = ("name,region\r\nJosé Núñez,Lusaka\r\n" + "x" * 3000 + ",long\r\n").encode()


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _lines_ok(raw: bytes) -> bool:
    return all(len(line) <= 998 for line in raw.split(b"\r\n")) and b"\n" not in raw.replace(b"\r\n", b"")


def test_without_attachments_the_message_stays_single_part():
    raw = compose(HEADERS, "Hello")
    message = _parse(raw)
    assert message.get_content_type() == "text/plain" and b"multipart" not in raw


def test_a_text_message_with_a_csv_attachment():
    raw = compose(
        HEADERS, "See the list attached.\n", attachments=[Attachment("signers.csv", "text/csv", CSV)]
    )
    assert _lines_ok(raw)
    message = _parse(raw)
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.replace("\r\n", "\n") == "See the list attached.\n"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/csv" and attachment.get_filename() == "signers.csv"
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_payload(decode=True) == CSV


def test_text_and_html_alternatives_with_two_attachments_and_a_non_ascii_name():
    raw = compose(
        HEADERS,
        "Plain",
        "<p>Rich</p>",
        attachments=[
            Attachment("firmantes-Núñez.csv", "text/csv", CSV),
            Attachment("data.bin", "application/octet-stream", bytes(range(256)) * 10),
        ],
    )
    assert _lines_ok(raw)
    message = _parse(raw)
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "Plain"
    assert "Rich" in message.get_body(preferencelist=("html",)).get_content()
    first, second = list(message.iter_attachments())
    assert first.get_filename() == "firmantes-Núñez.csv" and first.get_payload(decode=True) == CSV
    assert second.get_payload(decode=True) == bytes(range(256)) * 10
