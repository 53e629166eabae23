"""Every user-facing string is in the catalogue, and the Spanish catalogue translates all of them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "organiser" / "translations"


def _extract(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            "--no-location",
            "--omit-header",
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_spanish_catalogue_translates_every_marked_string(tmp_path):
    marked = _extract(tmp_path)
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    missing = sorted(str(m) for m in marked if m not in catalogue or not _translated(catalogue[m].string))
    assert missing == [], "run the commands in README › Translations; untranslated: " + "; ".join(
        missing[:10]
    )
    fuzzy = sorted(m.id for m in catalogue if m.id and m.fuzzy)
    assert fuzzy == []


def _translated(string: str | tuple[str, ...]) -> bool:
    return bool(string) if isinstance(string, str) else all(string)


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """Plural entries have a list of ids and of strings."""
    return value if isinstance(value, str) else tuple(value)


def test_compiled_catalogue_matches_the_po_file():
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        po = {_key(m.id): _key(m.string) for m in read_po(f) if m.id and m.string}
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        mo = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    assert po == mo, "run: pybabel compile -d organiser/translations"


def test_no_template_text_escapes_translation():
    """A crude guard: visible English sentences in templates must sit inside _() calls."""
    import re

    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = re.sub(
            r"{#.*?#}", "", path.read_text(), flags=re.S
        )  # comments, even over lines, are not shown
        for line in text.splitlines():
            stripped = re.sub(r"{[{%#].*?[}%#]}", "", line)
            stripped = re.sub(r"<[^>]*>", "", stripped).strip()
            if re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", stripped):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []
