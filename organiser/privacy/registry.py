"""Where personal data lives. Each domain package registers what it keeps about a person (actions:
signatures and letters; assemblies: registrations and testimonies), so privacy can show it, export
it, erase it and expire it without importing those packages — dependencies keep pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PersonalData:
    name: str  # a stable key: "signatures"
    label: Any  # a (lazy) translated heading: "Petitions you signed"
    # The person's records as plain rows for their own page and their download (label → value).
    collect: Callable[[Any], list[dict[str, Any]]]
    # Remove or irreversibly anonymise them, keeping whatever public counts rely on; returns how many.
    erase: Callable[[Any], int]
    # Retention: anonymise the records of actions in this coalition that closed before the cutoff,
    # of people who gave no ongoing consent; returns how many.
    expire: Callable[[Any, datetime], int] | None = None
    # Anti-abuse data (IP addresses) older than the cutoff: drop or hash it; returns how many.
    minimise: Callable[[datetime], int] | None = None


_sources: dict[str, PersonalData] = {}


def register_personal_data(source: PersonalData) -> None:
    _sources[source.name] = source


def personal_data_sources() -> list[PersonalData]:
    return list(_sources.values())
