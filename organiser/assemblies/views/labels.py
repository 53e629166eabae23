"""What every assembly template may show: the kinds and statuses in the reader's language, and an
assembly's times in its own zone (a context processor, registered by ``blueprint``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from organiser.assemblies import needs, services
from organiser.assemblies.forms import KIND_LABELS

STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
}
REGISTRATION_LABELS = {
    "pending": _l("Not confirmed yet"),
    "confirmed": _l("Place confirmed"),
    "waitlisted": _l("On the waitlist"),
    "cancelled": _l("Cancelled"),
    "attended": _l("Took part"),
}


def template_helpers() -> dict[str, Any]:
    return {
        "assembly_when": services.when,
        "assembly_time": services.local_time,
        "assembly_kinds": KIND_LABELS,
        "assembly_labels": STATUS_LABELS,
        "registration_labels": REGISTRATION_LABELS,
        "described_needs": needs.described,
        "shown_answer": shown_answer,
    }


def shown_answer(answer: Any) -> str:
    """An answer to an organiser's question as a page shows it: choices joined, yes and no translated."""
    value = (answer or {}).get("answer", "")
    if isinstance(value, list):
        return "; ".join(value)
    return {"yes": str(_l("Yes")), "no": str(_l("No"))}.get(value, value)
