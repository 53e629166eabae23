"""What the bad-input tests send: generated bad values, and the good values that fill in the other
fields of a form so that the one bad field is what the app has to deal with."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from tests.attack.pages import Field, Form

CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
CONTROL_RE = re.compile("[" + re.escape("".join(CONTROLS)) + "]")
STORED_CONTROL_RE = re.compile("[" + re.escape("".join(c for c in CONTROLS if c not in "\t\n")) + "]")
# Not controls, but trouble: bidirectional overrides and isolates, zero-width characters, a lone
# combining mark, separators that are not spaces, astral characters, markup, formulas, escapes.
ODD = [
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u0301",
    "\u0336\u0336",
    "\u20dd",
    "\u2028",
    "\u2029",
    "\xa0",
    "\u3000",
    "\U0001f600",
    "\U0001f469\u200d\U0001f33e",
    "\U000e0041",
    "漢字",
    "زمبيا",
    "<script>alert(1)</script>",
    "&amp;",
    "'\"",
    "=1+1",
    "%00",
    "\\x00",
    "{name}",
    "{{ 7*7 }}",
]
WRONG_TYPES = [
    "",
    " ",
    "-1",
    "0",
    "2147483647",
    "2147483648",
    "-2147483649",
    "99999999999999999999",
    "1e309",
    "NaN",
    "abc",
    "1.5",
    "2024-02-30",
    "2024-13-01T25:61",
    "99999-01-01",
    "0001-01-01T00:00",
    "1900-01-01T00:00",
    "[]",
    "{}",
    "null",
    "true",
    "on",
]

_pieces = st.one_of(st.text(max_size=12), st.sampled_from(CONTROLS), st.sampled_from(ODD))
texts = st.lists(_pieces, min_size=1, max_size=6).map("".join)
long_texts = st.builds(
    lambda n, unit, tail: unit * n + tail,
    st.one_of(st.integers(60, 3000), st.sampled_from([30_001])),
    st.sampled_from(["x", "é", "漢", "a\u0301", "\U0001f600", "ab "]),
    st.sampled_from(["", "\x00", "\u202e"]),
)
wrong_types = st.one_of(st.sampled_from(WRONG_TYPES), st.integers(-(2**70), 2**70).map(str))
bad_values = st.one_of(texts, texts, long_texts, wrong_types)
# A header carries bytes a server decodes as Latin-1: NUL and other controls included, nothing else.
header_values = st.one_of(
    st.just(""),
    st.text(st.characters(max_codepoint=255, exclude_characters="\r\n"), max_size=40),
    st.builds(lambda n: "https://example.org/" + "x" * n + "\x00", st.integers(400, 1200)),
)

# Accepted by every text field that takes free text, and awkward for everything after it: RTL
# override, a combining mark, astral characters, markup, quotes, inner and surrounding white space.
TRICKY_LINE = "  Zoe\u0301 \u202eMTR\u202c 漢字 \U0001f600 <b>&amp;</b> 'q\" =1+1  "
TRICKY_EMAIL = "Zoe\u0301.O'Brien+petition@Example.ORG"  # (surrounding spaces are refused: not stripped)
TRICKY_TEXT = "  First line\r\n\tsecond \u202eline\u202c with Zoe\u0301 and 漢字\r\n\r\nlast <i>line</i>  "

_counter = itertools.count(1)
ALWAYS_TICKED = ("hosts", "targets", "segments", "events")  # lists a form needs at least one of


def _when(days: int, hours: int = 0) -> str:
    moment = datetime.now(UTC) + timedelta(days=days, hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M")


def good_values(n: int) -> dict[str, str]:
    """A valid value for each required field a form leaves empty (by field name)."""
    return {
        "name": f"Chipo Mwale {n}",  # also an organisation's name (joining): one per submission
        "contact_name": "Mutale Banda",
        "email": f"person{n}@d{n}.example",
        "contact_email": f"contact{n}@d{n}.example",
        "title": f"Title {n}",
        "slug": f"fuzz-{n}",
        "ask": "Give land titles to women farmers.",
        "goal": "1000",
        "subject": "Land titles",
        "body": "Dear Minister,",
        "body_markdown": "Hello.",
        "from_name": "FIA Zambia",
        "timezone": "Africa/Lusaka",
        "starts": _when(60),
        "ends": _when(60, 3),
        "capacity": "50",
        "password": "correct horse battery staple",
        "confirm": "correct horse battery staple",
        "type": "ngo",
        "country": "ZM",
        "endorse": "y",
        "reason": "Asked by e-mail on 3 March.",
        "text": "We will consider it.",
        "milestones": "100, 500",
        "domain": "spam.example",
        "when": _when(7),
        "code": "K7Q2M9",
        "accused": "The IMF",  # a tribunal's charge
        "account": "The clinic had no medicines.",  # a testimony
        "changes-note": "Say which district.",  # moderating a testimony
        "reject-note": "Not about this tribunal.",
        "background": "Our clinic has had no medicines since June.",  # a petition from a supporter
        "signatures": "5000",  # a threshold
        "stated_consent": "given",  # a supporters' import: what they agreed to, where and when
        "wording": "Keep me updated by e-mail.",
        "agreed_where": "Action Network form",
        "agreed_on": "2025-03-31",
        "url": "https://93.184.216.34/hooks",  # a webhook's: a public address, checked without DNS
    }


def baseline(form: Form) -> dict[str, list[str]]:
    """What a careful person sends: the page's own values, and good ones where it leaves a required
    field empty. Values are lists (a field name may repeat: checkboxes)."""
    n = next(_counter)
    good = good_values(n)
    data: dict[str, list[str]] = {}
    for f in form.fields:
        value = _value_of(f, good)
        if value is not None:
            data.setdefault(f.name, []).append(value)
    return data


def _value_of(f: Field, good: dict[str, str]) -> str | None:
    if f.kind in ("button", "submit", "file"):
        return None
    if f.kind == "checkbox":
        return f.value if f.checked or f.name in good or f.name in ALWAYS_TICKED else None
    if f.kind in ("select", "radio"):
        chosen = f.value or good.get(f.name, "")
        if not chosen or chosen == "0":
            chosen = next((o for o in reversed(f.options) if o and o != "0"), "")
        return chosen
    if f.value or f.name == "website":  # the honeypot stays empty
        return f.value
    return good.get(f.name, "")


def unique_ip() -> str:
    """Each submission from its own address: the per-IP limits must not answer in the app's place."""
    n = next(_counter)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
