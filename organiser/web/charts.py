"""Small charts drawn on the server as inline SVG: no JavaScript, nothing loaded from elsewhere.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>`` (which
states the largest figure), drawn in a 360-unit-wide ``viewBox`` so that it scales to the width of
the page and its text stays readable on a 360 px phone. The figures themselves belong in a table
next to the chart (the page shows one under each): a chart is a summary, not the only way in.
Colours are presentation attributes, not ``style``, so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 360
INK = "#1d1d1b"
MUTED = "#4f4f4a"
BAR = "#6b1f5b"
LINE = "#b1b4b6"
# A map's shades, lightest to darkest (the darkest is the bars' colour), and an area with nothing.
SHADES = ("#e6c8dc", "#cc9bbd", "#ad6a98", "#8c4079", BAR)
NO_SHADE = "#f3f2f1"
FONT = 'font-family="system-ui, sans-serif"'


def _svg(chart_id: str, height: int, title: str, description: str, body: list[str]) -> Markup:
    ident = escape(chart_id)
    # Every piece of text that came from outside went through escape() above or in the callers here.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" {FONT}>'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _empty(chart_id: str, title: str, description: str, empty: str) -> Markup:
    text = (
        f'<text x="{WIDTH // 2}" y="40" text-anchor="middle" font-size="14" fill="{MUTED}">'
        f"{escape(empty)}</text>"
    )
    return _svg(chart_id, 64, title, description, [text])


def bar_chart(
    rows: Sequence[tuple[str, int]],
    *,
    chart_id: str,
    title: str,
    description: str,
    empty: str = "—",
) -> Markup:
    """Horizontal bars, one a row, longest first as given: each label above its bar, the figure at
    the bar's end. For categories (sources, regions, countries)."""
    if not rows or max(n for _label, n in rows) <= 0:
        return _empty(chart_id, title, description, empty)
    top = max(n for _label, n in rows)
    room = WIDTH - 60  # the widest bar leaves space for its figure
    row_height, body = 40, []
    for i, (label, n) in enumerate(rows):
        y = i * row_height
        width = round(room * n / top, 1) if n else 0
        body.append(
            f'<text x="0" y="{y + 14}" font-size="13" fill="{INK}">{escape(label)}</text>'
            f'<rect x="0" y="{y + 19}" width="{width}" height="14" fill="{BAR}"></rect>'
            f'<text x="{width + 6}" y="{y + 31}" font-size="13" font-weight="700" fill="{INK}">{n}</text>'
        )
    return _svg(chart_id, len(rows) * row_height + 4, title, description, body)


def column_chart(
    rows: Sequence[tuple[str, int]],
    *,
    chart_id: str,
    title: str,
    description: str,
    empty: str = "—",
) -> Markup:
    """Vertical columns in the order given (days, oldest first), with the largest figure marked on
    the axis and the first and last labels under it. For a series over time."""
    if not rows:
        return _empty(chart_id, title, description, empty)
    top = max(max(n for _label, n in rows), 1)
    left, right, plot_top, plot_bottom = 34, WIDTH - 4, 12, 170
    step = (right - left) / len(rows)
    gap = min(step * 0.2, 4)
    body = [
        f'<line x1="{left}" y1="{plot_bottom}" x2="{right}" y2="{plot_bottom}" stroke="{LINE}"></line>',
        f'<line x1="{left}" y1="{plot_top}" x2="{right}" y2="{plot_top}" stroke="{LINE}" '
        f'stroke-dasharray="3 3"></line>',
        f'<text x="{left - 4}" y="{plot_top + 4}" font-size="12" text-anchor="end" '
        f'fill="{MUTED}">{top}</text>',
        f'<text x="{left - 4}" y="{plot_bottom}" font-size="12" text-anchor="end" fill="{MUTED}">0</text>',
    ]
    for i, (_label, n) in enumerate(rows):
        height = round((plot_bottom - plot_top) * n / top, 1)
        x = round(left + i * step + gap / 2, 1)
        body.append(
            f'<rect x="{x}" y="{round(plot_bottom - height, 1)}" width="{round(step - gap, 1)}" '
            f'height="{height}" fill="{BAR}"></rect>'
        )
    first, last = rows[0][0], rows[-1][0]
    body.append(
        f'<text x="{left}" y="{plot_bottom + 18}" font-size="12" fill="{MUTED}">{escape(first)}</text>'
    )
    if len(rows) > 1:
        body.append(
            f'<text x="{right}" y="{plot_bottom + 18}" font-size="12" text-anchor="end" '
            f'fill="{MUTED}">{escape(last)}</text>'
        )
    return _svg(chart_id, plot_bottom + 26, title, description, body)


@dataclass(frozen=True)
class MapArea:
    """One area of a map: its outline (SVG path data in the map's box), its shade, and its
    ``<title>`` (its name and figure, shown on hover)."""

    path: str
    fill: str
    label: str


def area_map(
    areas: Sequence[MapArea],
    *,
    height: float,
    chart_id: str,
    title: str,
    description: str,
    legend: Sequence[tuple[str, str]] = (),
    legend_title: str = "",
) -> Markup:
    """A map of areas (a choropleth when their shades say how much), drawn in the charts' width and
    ``height`` units, with its legend under it: ``legend`` is (shade, what it means), in two columns."""
    body = [f'<g stroke="{MUTED}" stroke-width="0.4" stroke-linejoin="round" fill-rule="evenodd">']
    body += [
        f'<path d="{escape(a.path)}" fill="{escape(a.fill)}"><title>{escape(a.label)}</title></path>'
        for a in areas
        if a.path
    ]
    body.append("</g>")
    top = height + 8
    if legend:
        body.append(f'<text x="0" y="{top + 12}" font-size="12" fill="{INK}">{escape(legend_title)}</text>')
        rows = (len(legend) + 1) // 2
        for i, (fill, meaning) in enumerate(legend):
            x, y = (i // rows) * (WIDTH / 2), top + 20 + (i % rows) * 20
            body.append(
                f'<rect x="{x}" y="{y}" width="14" height="14" fill="{escape(fill)}" stroke="{MUTED}" '
                f'stroke-width="0.5"></rect>'
                f'<text x="{x + 20}" y="{y + 12}" font-size="12" fill="{INK}">{escape(meaning)}</text>'
            )
        top += 24 + rows * 20
    return _svg(chart_id, round(top), title, description, body)


# A line each series, told apart by its dash pattern as well as its colour (never only colour); each
# colour has at least 3:1 contrast with the white page.
LINE_COLOURS = ("#6b1f5b", "#005ea5", "#8a4600", "#00703c", "#1d1d1b")
LINE_DASHES = ("", "8 4", "3 3", "12 4 3 4", "1 3")
LEGEND_ROW = 18


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    chart_id: str,
    title: str,
    description: str,
    empty: str = "—",
) -> Markup:
    """A line per series over the same points (days or weeks, oldest first), with the largest figure
    marked on the axis, the first and last labels under it, and a legend naming each line by its
    colour and dash. For several series over time."""
    if not labels or not series:
        return _empty(chart_id, title, description, empty)
    top = max(max((max(values, default=0) for _name, values in series), default=0), 1)
    left, right, plot_top, plot_bottom = 10 + 7 * len(str(top)), WIDTH - 8, 12, 170
    step = (right - left) / max(len(labels) - 1, 1)
    body = [
        f'<line x1="{left}" y1="{plot_bottom}" x2="{right}" y2="{plot_bottom}" stroke="{LINE}"></line>',
        f'<line x1="{left}" y1="{plot_top}" x2="{right}" y2="{plot_top}" stroke="{LINE}" '
        f'stroke-dasharray="3 3"></line>',
        f'<text x="{left - 4}" y="{plot_top + 4}" font-size="12" text-anchor="end" '
        f'fill="{MUTED}">{top}</text>',
        f'<text x="{left - 4}" y="{plot_bottom}" font-size="12" text-anchor="end" fill="{MUTED}">0</text>',
    ]
    for index, (_name, values) in enumerate(series):
        points = [
            (round(left + i * step, 1), round(plot_bottom - (plot_bottom - plot_top) * n / top, 1))
            for i, n in enumerate(values)
        ]
        body.append(_line(points, index))
    body.append(
        f'<text x="{left}" y="{plot_bottom + 18}" font-size="12" fill="{MUTED}">{escape(labels[0])}</text>'
    )
    if len(labels) > 1:
        body.append(
            f'<text x="{right}" y="{plot_bottom + 18}" font-size="12" text-anchor="end" '
            f'fill="{MUTED}">{escape(labels[-1])}</text>'
        )
    legend_top = plot_bottom + 30
    for index, (name, _values) in enumerate(series):
        y = legend_top + index * LEGEND_ROW
        body.append(_line([(0, y + 8), (28, y + 8)], index))
        body.append(f'<text x="36" y="{y + 12}" font-size="12" fill="{INK}">{escape(name)}</text>')
    return _svg(chart_id, legend_top + len(series) * LEGEND_ROW + 4, title, description, body)


def _line(points: Sequence[tuple[float, float]], index: int) -> str:
    colour, dash = LINE_COLOURS[index % len(LINE_COLOURS)], LINE_DASHES[index % len(LINE_DASHES)]
    if len(points) == 1:  # one point: a dot
        x, y = points[0]
        return f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"></circle>'
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    coordinates = " ".join(f"{x},{y}" for x, y in points)
    return (
        f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2" '
        f'stroke-linejoin="round"{dashed}></polyline>'
    )
