"""What every template may show of demands: the words for rules, choices, statuses and outcomes in
the reader's language, and ``demand_chain(assembly)`` for the assembly's public page (a context
processor, registered by ``init_app``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from organiser.assemblies.demands.forms import ACTION_LABELS, CHOICE_LABELS, OUTCOME_LABELS, RULE_LABELS
from organiser.assemblies.demands.services import chain

DEMAND_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "adopted": _l("Adopted"),
    "not_adopted": _l("Not adopted"),
}
FINDING_LABELS = {
    "upheld": _l("Upheld"),
    "partly_upheld": _l("Partly upheld"),
    "not_upheld": _l("Not upheld"),
}
ACTION_STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "delivered": _l("Delivered"),
}


def template_helpers() -> dict[str, Any]:
    return {
        "demand_chain": chain,
        "demand_rules": RULE_LABELS,
        "demand_choices": CHOICE_LABELS,
        "demand_outcomes": OUTCOME_LABELS,
        "demand_statuses": DEMAND_STATUS_LABELS,
        "demand_findings": FINDING_LABELS,
        "demand_actions": ACTION_LABELS,
        "demand_action_statuses": ACTION_STATUS_LABELS,
    }
