"""What the hub's templates show in the reader's language: kinds, outcomes, an assembly's start in
its own zone (named), and dates."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from organiser.hub.forms import KIND_LABELS
from organiser.web.cards import Card

OUTCOME_LABELS = {
    "delivered": _l("Delivered"),
    "answered": _l("Answered"),
    "won": _l("Demand won"),
    "partly_won": _l("Demand partly won"),
}
STATUS_LABELS = {
    "closed": _l("Closed"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "held": _l("Already held"),
}
ONE_KIND = {
    "petition": _l("Petition"),
    "letters": _l("Letter campaign"),
    "assembly": _l("Assembly"),
    "coalition": _l("Coalition"),
}


def card_when(card: Card) -> str:
    """An assembly's start in its own zone, with the zone named: "Saturday, 5 December 2026, 09:00
    (Africa/Lusaka)"."""
    if card.starts_at is None:
        return ""
    local = card.starts_at.astimezone(ZoneInfo(card.timezone or "UTC"))
    locale = get_locale()
    day = format_date(local.date(), "full", locale=locale)
    return f"{day}, {format_time(local.time(), 'short', locale=locale)} ({card.timezone or 'UTC'})"


def long_date(day: date | None) -> str:
    return format_date(day, "long", locale=get_locale()) if day is not None else ""


def template_helpers() -> dict[str, Any]:
    return {
        "card_when": card_when,
        "long_date": long_date,
        "kind_labels": KIND_LABELS,
        "one_kind": ONE_KIND,
        "outcome_labels": OUTCOME_LABELS,
        "status_labels": STATUS_LABELS,
    }
