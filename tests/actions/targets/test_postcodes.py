"""The lookup's normaliser: UK postcodes written the Royal Mail way whatever their case and spacing,
a full postcode falling back to its sector and district, anything else matched as it is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from organiser.actions.targets.lookup.postcodes import (
    MAX_KEY,
    candidates,
    normalise,
    uk_postcode,
    well_formed,
)

LETTERS = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = st.sampled_from("0123456789")


@st.composite
def districts(draw) -> str:
    area = draw(st.text(LETTERS, min_size=1, max_size=2))
    tail = draw(st.one_of(st.just(""), DIGITS, LETTERS))
    return f"{area}{draw(DIGITS)}{tail}"


@st.composite
def postcodes(draw) -> tuple[str, str]:
    return draw(districts()), f"{draw(DIGITS)}{draw(LETTERS)}{draw(LETTERS)}"


@st.composite
def as_typed(draw, text: str) -> str:
    """The same text as a person may type it: any case, spaces anywhere (or none), around it too."""
    cased = "".join(c.lower() if draw(st.booleans()) else c for c in text)
    spaced = "".join(c + draw(st.sampled_from(["", "", " ", "  ", "\u00a0"])) for c in cased)
    return draw(st.sampled_from(["", " ", "\t"])) + spaced + draw(st.sampled_from(["", " "]))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ls61aa", "LS6 1AA"),
        ("  LS6   1AA ", "LS6 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("Ec1A 1bB", "EC1A 1BB"),
        ("m1 1ae", "M1 1AE"),
        ("LS6", "LS6"),
        ("Lusaka", "LUSAKA"),
        ("Kapiri  Mposhi", "KAPIRI MPOSHI"),
        ("ＬＳ６　１ＡＡ", "LS6 1AA"),  # full-width forms and an ideographic space
        ("K1A 0B1", "K1A 0B1"),  # Canadian: not a UK postcode, kept as it is
        ("", ""),
    ],
)
def test_normalise(typed, expected):
    assert normalise(typed) == expected


def test_a_full_postcode_falls_back_to_its_sector_and_district():
    assert candidates("ls6 1aa") == ["LS6 1AA", "LS6 1", "LS6"]
    assert candidates("SW1A1AA") == ["SW1A 1AA", "SW1A 1", "SW1A"]
    assert candidates("LS6") == ["LS6"] and candidates("Lusaka") == ["LUSAKA"] and candidates("  ") == []


def test_malformed_entries_are_told_apart():
    assert well_formed("LS6 1AA") and well_formed("Kapiri Mposhi") and well_formed("ZM-09")
    assert well_formed("N'gombe") and well_formed("Ndola (Copperbelt)")
    for bad in ("", "   ", "<LS6>", "LS6\x00", "a_b", "x" * (MAX_KEY + 1), "LS6;DROP"):
        assert not well_formed(bad), bad


@given(postcodes().flatmap(lambda parts: st.tuples(st.just(parts), as_typed(parts[0] + parts[1]))))
def test_any_way_a_uk_postcode_is_typed_it_is_written_the_royal_mail_way(drawn):
    (outward, inward), typed = drawn
    assert normalise(typed) == uk_postcode(typed) == f"{outward} {inward}"
    assert candidates(typed) == [f"{outward} {inward}", f"{outward} {inward[0]}", outward]
    assert well_formed(typed)


@given(st.text(max_size=60))
def test_normalising_twice_changes_nothing(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once
    assert candidates(text)[:1] == ([once] if once else [])


@given(districts().flatmap(as_typed))
def test_a_district_alone_is_matched_as_typed_once_normalised(typed):
    key = normalise(typed)
    assert candidates(typed) == [key] and not uk_postcode(typed)
