"""The ballot's answers, read the same way from the e-mailed link's page and from the kiosk."""

from __future__ import annotations

from typing import Any


def choices_of(ballot: Any) -> dict[int, str]:
    """demand id → the choice made (the demands left without one are left out)."""
    return {
        int(field.name.removeprefix("demand-")): field.data
        for field in ballot
        if field.name.startswith("demand-") and field.data
    }
