"""The petition page's "Where support comes from": a bar chart of the areas with the most signatures,
a map shaded by each area's share when the coalition has uploaded one, and the table of every area
(the text alternative of both). Drawn on the server as SVG (organiser.web.charts)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from organiser.actions.petitions.models import Petition
from organiser.actions.petitions.support.tally import AreaCount, Support, support_of
from organiser.actions.targets import boundaries
from organiser.web.charts import NO_SHADE, SHADES, MapArea, area_map, bar_chart

TOP = 10  # areas in the bar chart; the table has them all


@dataclass(frozen=True)
class Row:
    name: str
    count: int
    share: str


@dataclass(frozen=True)
class SupportSection:
    support: Support
    chart: Markup
    map: Markup | None
    rows: list[Row]
    other: Row | None
    more_than_charted: bool


def _share(count: int, total: int) -> str:
    return format_percent(count / total if total else 0, "#,##0.0%")


def _signatures(count: int) -> str:
    return ngettext("%(num)s signature", "%(num)s signatures", count)


def petition_support(petition: Petition) -> SupportSection | None:
    """The section, or None when no signature is in a published area yet."""
    if not petition.signature_count:
        return None
    support = support_of(petition)
    if not support.areas:
        return None
    top = support.areas[0]
    described = _(
        "%(placed)s of %(total)s signatures are in %(areas)s areas; the most, %(count)s, in %(name)s.",
        placed=format_decimal(support.placed),
        total=format_decimal(support.total),
        areas=format_decimal(len(support.areas)),
        count=format_decimal(top.count),
        name=top.name,
    )
    chart = bar_chart(
        [(a.name, a.count) for a in support.areas[:TOP]],
        chart_id="support-chart",
        title=_("Signatures by area"),
        description=described,
    )
    rows = [Row(a.name, a.count, _share(a.count, support.total)) for a in support.areas]
    other = (
        Row(_("Elsewhere, not given or not found"), support.other, _share(support.other, support.total))
        if support.other
        else None
    )
    return SupportSection(support, chart, _map(petition, support), rows, other, len(support.areas) > TOP)


def shade_classes(top: int) -> list[tuple[int, int, str]]:
    """Equal steps from 1 to the largest count, at most one per shade: (from, to, shade)."""
    steps = max(1, min(len(SHADES), top))
    uppers = [math.ceil(top * i / steps) for i in range(1, steps + 1)]
    lowers = [1, *(u + 1 for u in uppers[:-1])]
    shades = (
        [SHADES[round(i * (len(SHADES) - 1) / (steps - 1))] for i in range(steps)]
        if steps > 1
        else [SHADES[-1]]
    )
    return list(zip(lowers, uppers, shades, strict=True))


def _shade(count: int, classes: list[tuple[int, int, str]]) -> str:
    return next((shade for low, high, shade in classes if low <= count <= high), NO_SHADE)


def _map(petition: Petition, support: Support) -> Markup | None:
    """The coalition's map shaded by share, or None (no map, or none of its areas has signatures)."""
    boundary_map = boundaries.map_of(petition.coalition_id)
    if boundary_map is None:
        return None
    by_code = {a.code: a for a in support.areas if a.code}
    by_name = {a.name.casefold(): a for a in support.areas}
    outlines = boundaries.areas_of(boundary_map)
    found: list[AreaCount | None] = [by_code.get(o.code) or by_name.get(o.name.casefold()) for o in outlines]
    if not any(found):
        return None
    classes = shade_classes(max(a.count for a in found if a))
    areas = [
        MapArea(
            o.path,
            _shade(a.count, classes) if a else NO_SHADE,
            _(
                "%(name)s: %(signatures)s (%(share)s)",
                name=o.name,
                signatures=_signatures(a.count),
                share=_share(a.count, support.total),
            )
            if a
            else _("%(name)s: no signatures yet", name=o.name),
        )
        for o, a in zip(outlines, found, strict=True)
    ]
    legend = [(NO_SHADE, _("None yet"))] + [
        (shade, format_decimal(low) if low == high else f"{format_decimal(low)}–{format_decimal(high)}")
        for low, high, shade in classes
    ]
    drawn = sum(1 for a in found if a)
    return area_map(
        areas,
        height=boundary_map.height,
        chart_id="support-map",
        title=_("Map of signatures by area"),
        description=_(
            "%(drawn)s of the map's %(areas)s areas have signatures, shaded darker the larger their share. "
            "The table below gives every figure.",
            drawn=format_decimal(drawn),
            areas=format_decimal(len(outlines)),
        ),
        legend=legend,
        legend_title=_("Signatures in each area"),
    )
