"""The server-drawn SVG charts: valid, accessible, escaped, scaled to the page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from organiser.web.charts import LINE_COLOURS, WIDTH, bar_chart, column_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 (our own output, not untrusted input)


def test_a_bar_chart_draws_one_bar_a_row_scaled_to_the_largest():
    svg = _parse(
        bar_chart(
            [("Leeds", 40), ("Cardiff", 10), ("Nowhere", 0)],
            chart_id="by-region",
            title="Signatures by region",
            description="50 in all",
        )
    )
    assert svg.get("role") == "img" and svg.get("width") == "100%"
    assert svg.get("viewBox") == f"0 0 {WIDTH} 124"
    assert svg.get("aria-labelledby") == "by-region-title by-region-desc"
    assert svg.find(f"{SVG}title").text == "Signatures by region"
    assert svg.find(f"{SVG}title").get("id") == "by-region-title"
    assert svg.find(f"{SVG}desc").text == "50 in all"
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths == [WIDTH - 60, (WIDTH - 60) / 4, 0]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Leeds", "40", "Cardiff", "10", "Nowhere", "0"]


def test_labels_are_escaped_and_no_style_attribute_is_used():
    markup = str(
        bar_chart([("<script>alert(1)</script>", 3)], chart_id="x", title="T & U", description="<d>")
    )
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "T &amp; U" in markup
    assert "style=" not in markup, "the Content-Security-Policy allows no inline style"
    _parse(markup)


def test_a_column_chart_marks_the_largest_day_and_the_first_and_last_labels():
    rows = [("1 Nov", 2), ("2 Nov", 0), ("3 Nov", 8)]
    svg = _parse(column_chart(rows, chart_id="by-day", title="By day", description="10 in all"))
    heights = [float(r.get("height")) for r in svg.iter(f"{SVG}rect")]
    assert heights[1] == 0 and heights[2] == max(heights) and heights[2] == 4 * heights[0]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["8", "0", "1 Nov", "3 Nov"]
    assert re.fullmatch(r"0 0 360 \d+", svg.get("viewBox"))


def test_empty_charts_say_so():
    for draw in (bar_chart, column_chart):
        svg = _parse(draw([], chart_id="e", title="Empty", description="None yet", empty="No signatures yet"))
        assert [t.text for t in svg.iter(f"{SVG}text")] == ["No signatures yet"]
        assert list(svg.iter(f"{SVG}rect")) == []
    zeros = _parse(bar_chart([("a", 0)], chart_id="z", title="Z", description="", empty="Nothing"))
    assert [t.text for t in zeros.iter(f"{SVG}text")] == ["Nothing"]


def test_a_line_chart_draws_a_line_a_series_told_apart_by_colour_and_dash_with_a_legend():
    markup = line_chart(
        ["1 Nov", "2 Nov", "3 Nov"],
        [("Signatures", [2, 0, 8]), ("Letters <b>", [1, 1, 1])],
        chart_id="lines",
        title="Day by day",
        description="10 signatures, 3 letters",
    )
    svg = _parse(markup)
    assert svg.get("aria-labelledby") == "lines-title lines-desc"
    assert svg.find(f"{SVG}desc").text == "10 signatures, 3 letters"
    lines = list(svg.iter(f"{SVG}polyline"))
    assert len(lines) == 4, "a line a series, and one in the legend for each"
    signatures, letters = lines[0], lines[1]
    ys = [float(p.split(",")[1]) for p in signatures.get("points").split()]
    assert ys[1] == 170 and ys[2] == 12 and ys[0] == 170 - (170 - 12) * 2 / 8, "scaled to the largest"
    assert signatures.get("stroke") == LINE_COLOURS[0] and signatures.get("stroke-dasharray") is None
    assert letters.get("stroke") == LINE_COLOURS[1] and letters.get("stroke-dasharray"), "never only colour"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["8", "0", "1 Nov", "3 Nov", "Signatures", "Letters <b>"]
    assert "&lt;b&gt;" in str(markup) and "style=" not in str(markup)


def test_a_line_chart_of_one_point_draws_dots_and_an_empty_one_says_so():
    svg = _parse(line_chart(["1 Nov"], [("Signatures", [3])], chart_id="one", title="T", description="D"))
    assert len(list(svg.iter(f"{SVG}circle"))) == 1
    empty = _parse(line_chart([], [], chart_id="e", title="T", description="D", empty="Nothing yet"))
    assert [t.text for t in empty.iter(f"{SVG}text")] == ["Nothing yet"]
