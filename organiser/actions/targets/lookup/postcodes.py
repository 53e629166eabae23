"""What a writer types to find their area, made comparable with a lookup table's keys.

Every key and every search is normalised the same way: Unicode compatibility forms folded (so a
full-width ``Ｌ`` is an ``L``), white space collapsed to single spaces, upper case. A UK postcode is
written the Royal Mail way, outward and inward parts split by one space (``ls61aa`` → ``LS6 1AA``),
and a full postcode also matches its sector (``LS6 1``) and its district (``LS6``), most specific
first, so a table of districts answers for every postcode in them. Any other text (another
country's postal code, a ward code, a town's name) is matched as it is, once normalised: a table
holds whatever codes its coalition's writers know.
"""

from __future__ import annotations

import re
import unicodedata

MAX_KEY = 40  # the longest key stored; longer text is never a key

_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_INWARD = re.compile(r"[0-9][A-Z]{2}")
# Letters (of any script), digits, spaces and the punctuation of place names and codes.
_WELL_FORMED = re.compile(r"[\w .'’()/-]+")


def normalise(text: str) -> str:
    """The comparable form of a key or of what a writer typed (``""`` for blank text)."""
    # Folded again after upper case, which can make letters NFKC writes otherwise (ǅ → Ǆ).
    upper = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).upper())
    folded = " ".join(upper.split())
    full = uk_postcode(folded)
    return full or folded


def uk_postcode(text: str) -> str:
    """``OUTWARD INWARD`` when the text is a full UK postcode (any spacing and case), else ``""``."""
    compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    outward, inward = compact[:-3], compact[-3:]
    if 5 <= len(compact) <= 7 and _DISTRICT.fullmatch(outward) and _INWARD.fullmatch(inward):
        return f"{outward} {inward}"
    return ""


def district(text: str) -> str:
    """The postcode district (``LS6``) of a full UK postcode, or of a district typed alone; else ``""``."""
    key = normalise(text)
    if uk_postcode(key):
        return key.split(" ")[0]
    return key if _DISTRICT.fullmatch(key) else ""


def candidates(text: str) -> list[str]:
    """The keys to look for, most specific first: the text itself, and for a full UK postcode its
    sector and its district."""
    key = normalise(text)
    if not key:
        return []
    if uk_postcode(key):
        outward, inward = key.split(" ")
        return [key, f"{outward} {inward[0]}", outward]
    return [key]


def well_formed(text: str) -> bool:
    """Whether the text could be a key at all: not blank, not too long, only letters, digits,
    spaces and the punctuation of place names (so a malformed entry is told apart from an unknown
    one)."""
    key = normalise(text)
    return 0 < len(key) <= MAX_KEY and bool(_WELL_FORMED.fullmatch(key)) and "_" not in key
