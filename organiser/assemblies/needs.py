"""Access needs, structured so organisers can plan: what each need is called, which ones carry a
detail (the language to interpret into, what someone can eat), which ones only matter at a venue,
and how many registrants need each.

A registration keeps the needs ticked in ``Registration.needs`` (need → detail, "" when it has
none), and "anything else" in the older free-text ``access_needs`` column, which is also where
registrations made before the needs were structured keep everything they wrote."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Need:
    key: str
    label: Any  # lazy: in the reader's language
    detail: Any = None  # the detail's label, for a need that has one
    at_a_venue: bool = False  # meaningless for an online-only assembly


NEEDS = (
    Need("step_free", _l("Step-free access"), at_a_venue=True),
    Need("interpretation", _l("Interpretation"), detail=_l("Interpretation: into which language?")),
    Need("sign_language", _l("Sign language interpretation")),
    Need("childcare", _l("Childcare"), at_a_venue=True),
    Need("dietary", _l("Dietary needs"), detail=_l("Dietary needs: what can you not eat?"), at_a_venue=True),
)
BY_KEY = {need.key: need for need in NEEDS}


def offered(assembly: Any) -> tuple[Need, ...]:
    """The needs asked about: all of them at a venue, those that matter online for an online-only one."""
    return NEEDS if assembly.venue else tuple(n for n in NEEDS if not n.at_a_venue)


def described(needs: dict[str, str] | None) -> list[str]:
    """A registration's needs as organisers and the person read them: "Interpretation: Bemba"."""
    shown = []
    for need in NEEDS:
        if need.key in (needs or {}):
            detail = (needs or {})[need.key]
            shown.append(f"{need.label}: {detail}" if detail else str(need.label))
    return shown


@dataclass(frozen=True)
class NeedCount:
    need: Need
    count: int
    details: list[tuple[str, int]]  # each detail given (as first written), with how many gave it


def counted(registrations: Iterable[Any]) -> tuple[list[NeedCount], int]:
    """How many of these registrations need each thing (with their details, most asked first), and
    how many wrote something else."""
    totals: Counter[str] = Counter()
    details: dict[str, Counter[str]] = {need.key: Counter() for need in NEEDS}
    spelling: dict[str, str] = {}
    others = 0
    for registration in registrations:
        for key, detail in (registration.needs or {}).items():
            if key in BY_KEY:
                totals[key] += 1
                if detail.strip():
                    folded = " ".join(detail.split()).casefold()
                    spelling.setdefault(folded, " ".join(detail.split()))
                    details[key][folded] += 1
        others += bool((registration.access_needs or "").strip())
    counts = [
        NeedCount(need, totals[need.key], [(spelling[d], n) for d, n in details[need.key].most_common()])
        for need in NEEDS
    ]
    return counts, others


def export_cells(needs: dict[str, str] | None) -> list[str]:
    """One CSV cell per need: its detail, "yes" when it has none, empty when not needed."""
    return [((needs or {}).get(need.key) or "yes") if need.key in (needs or {}) else "" for need in NEEDS]


EXPORT_COLUMNS = [f"need_{need.key}" for need in NEEDS]
