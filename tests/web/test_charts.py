"""The server-drawn SVG charts: valid, accessible, escaped, scaled to the page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from organiser.web.charts import WIDTH, bar_chart, column_chart

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
