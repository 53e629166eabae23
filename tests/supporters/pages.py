"""Reading the supporters' pages in tests: the names a list shows, a segment's value on the mailing form."""

from __future__ import annotations

import re


def listed(response) -> list[str]:
    """The names in the list, in its order."""
    html = response.get_data(as_text=True)
    return re.findall(r'<a href="/coalitions/[^/"]+/supporters/\d+">([^<]+)</a>', html)


def segment_value(form_page: str, label: str) -> str:
    """The value of the mailing form's checkbox for the segment labelled ``label``."""
    match = re.search(r'value="([^"]+)"[^>]*>\s*<label[^>]*>' + re.escape(label), form_page)
    assert match, f"no segment {label!r} on the mailing form"
    return match.group(1).replace("&#34;", '"').replace("&quot;", '"')
