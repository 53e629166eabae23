"""What a finished run shows: each volunteer's selection probability under the method run and under
the legacy method (for comparison), the minimum, the spread, and a chart of how many volunteers have
each chance (with the table as its text equivalent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from organiser.assemblies.sortition.models import SelectionRun
from organiser.web.charts import column_chart

BANDS = 10  # the chart's columns: chances from 0 to the largest, in equal bands


@dataclass(frozen=True)
class MethodFigures:
    name: str
    minimum: float
    maximum: float
    probabilities: dict[str, float]

    @property
    def spread(self) -> float:
        return self.maximum - self.minimum


def _figures(name: str, probabilities: dict[str, float]) -> MethodFigures:
    values = list(probabilities.values()) or [0.0]
    return MethodFigures(name, min(values), max(values), dict(probabilities))


def comparison(run: SelectionRun) -> dict[str, Any]:
    """The methods run (the chosen one first), a row per volunteer, and a chart per method."""
    result = run.result or {}
    methods = [_figures(result.get("reached") or run.method, result.get("probabilities") or {})]
    if run.legacy:
        methods.append(_figures("legacy", run.legacy.get("probabilities") or {}))
    people = sorted(methods[0].probabilities, key=lambda p: (methods[0].probabilities[p], p))
    return {
        "methods": methods,
        "rows": [(p, [m.probabilities.get(p, 0.0) for m in methods]) for p in people],
        "charts": [_chart(m, i) for i, m in enumerate(methods)],
        "panels": len(result.get("panels") or []),
        "reached": result.get("reached", ""),
    }


def _chart(figures: MethodFigures, index: int) -> Markup:
    top = max(figures.maximum, 1e-9)
    counts = [0] * BANDS
    for p in figures.probabilities.values():
        counts[min(int(p / top * BANDS), BANDS - 1)] += 1
    rows = [(f"{top * (i + 1) / BANDS:.1%}", n) for i, n in enumerate(counts)]
    rows[0] = (f"≤ {top / BANDS:.1%}", counts[0])
    return column_chart(
        rows,
        chart_id=f"chances-{index}",
        title=_("Volunteers by chance of selection: %(method)s", method=figures.name),
        description=_(
            "Chances run from %(low)s to %(high)s; the table below gives each volunteer's.",
            low=f"{figures.minimum:.2%}",
            high=f"{figures.maximum:.2%}",
        ),
    )
