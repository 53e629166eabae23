"""Where someone came from to an action's public page, as petitions and letters keep it: the tracking
code (``?source=``: a co-sponsor's, or any a campaigner chooses), utm fields and the referrer. The
page carries the code and utm fields in hidden fields of its form; they are read back from it."""

from __future__ import annotations

from flask import request

from organiser.web.inputs import form_text, without_controls


def tracking_code() -> str:
    """The tracking code the page was reached with (``?source=``), or that the form carried."""
    return (without_controls(request.args.get("source") or "") or form_text("source"))[:80]


def tracking_fields() -> dict[str, str]:
    """The code, utm fields and referrer a submitted form came with."""
    return {
        "source": form_text("source", max_length=80),
        "utm_source": form_text("utm_source", max_length=120),
        "utm_medium": form_text("utm_medium", max_length=120),
        "utm_campaign": form_text("utm_campaign", max_length=120),
        "referrer": without_controls(request.referrer or "")[:500],
    }
