"""Core sends a few e-mails of its own (invitations, password resets) but sits below messaging,
which owns the outbox: messaging hands core its sender when the app starts (``set_sender``), as
Warehouse's packages register an IEmailSender."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_sender: Callable[..., Any] | None = None


def set_sender(sender: Callable[..., Any]) -> None:
    global _sender
    _sender = sender


def send(*, to: str, subject: str, text: str) -> Any:
    """Queue a transactional e-mail (written to the outbox in this transaction)."""
    if _sender is None:
        raise RuntimeError("no mail sender: the messaging package registers it in its init_app")
    return _sender(to=to, subject=subject, text=text)
