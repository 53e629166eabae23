"""The supporters' import: a CSV from another tool (Action Network, Mailchimp, a spreadsheet), whose
columns the coordinator maps to our fields on the preview page (each guessed from its name first),
every row checked, and the rows merged by address. Writing them is ``organiser.coalitions.services.
people_import``; reading the file is ``reader``, as for every import.

A person is known by their address as ``supporter_email`` keeps it (trimmed, lower case, Gmail's
dots and +tags dropped): the same key as the people of the coalition tree, so a row merges with the
person already there. Rows repeating an address are merged into the first: it keeps its values, and
a later row fills only what it left empty (the same rule as for someone already there)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from organiser.coalitions.imports.checks import most_characters, shown, valid_email
from organiser.coalitions.imports.reader import (
    DELIMITERS,
    ImportFileError,
    ImportRow,
    Layout,
    column_name,
    csv_rows,
)
from organiser.people.models import Person
from organiser.people.services import supporter_email
from organiser.web.forms import COUNTRY_CODES, MAX_EMAIL
from organiser.web.inputs import CONTROLS

MAX_ROWS = 50_000
IGNORE = "ignore"
NAME_PARTS = ("first_name", "last_name")
FIELD_LABELS = {
    "email": _l("E-mail address"),
    "name": _l("Full name"),
    "first_name": _l("First name (joined to the last name)"),
    "last_name": _l("Last name (joined to the first name)"),
    "postcode": _l("Postcode or ZIP code"),
    "region": _l("Region, state or province"),
    "country": _l("Country"),
    "language": _l("Language"),
    IGNORE: _l("Do not import"),
}
FIELD_NAMES = {  # in a sentence: "The postcode is longer than 20 characters"
    "email": _l("e-mail address"),
    "name": _l("name"),
    "first_name": _l("first name"),
    "last_name": _l("last name"),
    "postcode": _l("postcode"),
    "region": _l("region"),
    "country": _l("country"),
    "language": _l("language"),
}
_PERSON = Person.__table__.c
MOST = {
    "email": MAX_EMAIL,
    "name": most_characters(_PERSON.name),
    "postcode": most_characters(_PERSON.postcode),
    "region": most_characters(_PERSON.region),
    "country": 60,  # a country's name, before it becomes its two-letter code
    "language": 40,  # a language's name or tag, before it becomes its tag
}
MOST["first_name"] = MOST["last_name"] = MOST["name"]
# Column names (letters and digits only, accents dropped) and the field each usually holds: Action
# Network's exports (email, first_name, last_name, zip_code, country, language), Mailchimp's ("Email
# Address", "First Name", CC, REGION), and the usual Spanish, French and Portuguese ones.
_GUESSES = {
    "email": "email emailaddress mail emailaddr primaryemail correo correoelectronico courriel",
    "name": "name fullname displayname nombrecompleto nomcomplet nomecompleto",
    "first_name": "firstname first givenname fname forename nombre prenom primeironome",
    "last_name": "lastname last surname familyname lname apellido apellidos nomdefamille sobrenome",
    "postcode": "zipcode zip postcode postalcode codigopostal codepostal cep",
    "region": "region state province county stateprovince provincia estado departamento",
    "country": "country countrycode cc pais pays",
    "language": "language lang locale idioma langue lingua preferredlanguage",
}
GUESSES = {alias: name for name, aliases in _GUESSES.items() for alias in aliases.split()}
_COUNTRY_ALIASES = {"UK": "GB"}


def squashed(text: str) -> str:
    """Letters and digits only, lower case, accents dropped: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


# ---- the columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """The columns the first row names: each as written (for the page) and as matched (``name``)."""

    cells: list[str]
    names: list[str]

    @property
    def named(self) -> list[tuple[str, str]]:
        """(name, as written) of each column with a name, in the file's order."""
        return [(n, c) for n, c in zip(self.names, self.cells, strict=True) if n]


def header_of(text: str) -> Header:
    """The first row's columns, split by the delimiter that makes the most known names (then the
    most columns); raises ImportFileError when the row cannot be read."""
    import csv

    first = next((line for line in re.split(r"\r\n|\r|\n", text) if line.strip()), "")

    def cells(delimiter: str) -> list[str]:
        try:
            return next(csv.reader([first], delimiter=delimiter, strict=True), [])
        except csv.Error:
            return []

    def score(delimiter: str) -> tuple[int, int]:
        found = cells(delimiter)
        return sum(squashed(c) in GUESSES for c in found), sum(bool(c.strip()) for c in found)

    found = cells(max(DELIMITERS, key=score))
    if any(CONTROLS.search(c) for c in found):
        raise ImportFileError(_("The first row, with the column names, has invisible control characters."))
    names = [column_name(c) for c in found]
    if not any(names):
        raise ImportFileError(_("The first row must name the columns, such as email, first_name, last_name."))
    return Header([c.strip() for c in found], names)


def guess(header: Header) -> dict[str, str]:
    """Each named column's likely field, from its name; a field is guessed for one column at most."""
    taken: set[str] = set()
    mapping = {}
    for name, cell in header.named:
        field_ = GUESSES.get(squashed(cell), IGNORE)
        if field_ in taken:
            field_ = IGNORE
        taken.add(field_)
        mapping[name] = field_
    if "name" in taken and taken & set(NAME_PARTS):
        mapping = {n: IGNORE if f in NAME_PARTS else f for n, f in mapping.items()}
    return mapping


def mapping_problems(mapping: Mapping[str, str]) -> dict[str, str]:
    """What is wrong with a mapping, by the column to show it next to (empty: nothing)."""
    problems: dict[str, str] = {}
    columns = list(mapping)
    emails = [c for c in columns if mapping[c] == "email"]
    if not emails and columns:
        problems[columns[0]] = _("Choose the column that holds the e-mail addresses.")
    seen: set[str] = set()
    for column in columns:
        chosen = mapping[column]
        if chosen != IGNORE and chosen in seen:
            problems[column] = _("Another column is already the %(field)s.", field=FIELD_NAMES[chosen])
        seen.add(chosen)
    both = "name" in seen and seen & set(NAME_PARTS)
    if both:
        column = next(c for c in columns if mapping[c] in NAME_PARTS)
        problems.setdefault(column, _("Choose a full name column, or first and last name columns: not both."))
    return problems


# ---- reading and checking the rows -----------------------------------------------------------------


@dataclass
class Supporter:
    """One address of the file: its values (merged from every row that has it), the addresses as
    written (normalised; for the suppression list) and the row it first appears on."""

    line: int
    values: dict[str, str]
    written: set[str] = field(default_factory=set)


@dataclass
class PeopleFile:
    rows: list[ImportRow]  # values: the fields; ``duplicate``: an earlier row has the address
    people: dict[str, Supporter]  # by address, in the order they first appear

    @property
    def errors(self) -> int:
        return sum(bool(row.errors) for row in self.rows)

    @property
    def repeated(self) -> int:
        return sum(row.duplicate for row in self.rows)


def layout(names: list[str]) -> Layout:
    return Layout(
        columns=dict.fromkeys(names, 10**6),  # each field's limit is checked once mapped
        required=frozenset(),
        max_rows=MAX_ROWS,
        too_many=str(_l("At most %(n)s rows at a time: split the file.", n=f"{MAX_ROWS:,}")),
    )


def sample(text: str, header: Header, lines: int = 6) -> list[ImportRow]:
    """The first rows, every named column as it is: what the preview shows beside the choices."""
    head = "\n".join(re.split(r"\r\n|\r|\n", text)[: lines + 1])
    try:
        return csv_rows(head, layout([n for n, _c in header.named])).rows[: lines - 1]
    except ImportFileError:
        return []


def parse(text: str, mapping: Mapping[str, str]) -> PeopleFile:
    """Every row, its mapped columns checked and turned into our fields, merged by address; raises
    ImportFileError when the file itself is unusable."""
    used = [name for name, chosen in mapping.items() if chosen != IGNORE]
    rows = csv_rows(text, layout(used)).rows
    people: dict[str, Supporter] = {}
    for row in rows:
        if row.readable:
            row.values = _fields(row, mapping)
        else:
            row.values = {}
        if not row.errors:
            _merge(row, people)
    return PeopleFile(rows, people)


def _merge(row: ImportRow, people: dict[str, Supporter]) -> None:
    address = supporter_email(row.values["email"])
    known = people.get(address)
    if known is None:
        people[address] = known = Supporter(row.line, dict(row.values))
    else:
        row.duplicate = True
        row.notes.append(_("The same address as row %(line)s: merged into it.", line=known.line))
        for key, value in row.values.items():
            known.values[key] = known.values.get(key) or value
    known.written.add(row.values["email"].lower())


def _fields(row: ImportRow, mapping: Mapping[str, str]) -> dict[str, str]:
    """The row's values as our fields, with the reasons any of them cannot be imported."""
    raw: dict[str, str] = {}
    for column, chosen in mapping.items():
        if chosen != IGNORE:
            raw[chosen] = row.values.get(column, "")
    too_long = {key for key, value in raw.items() if len(value) > MOST[key]}
    for key in too_long:
        row.errors.append(
            _("The %(field)s is longer than %(n)s characters", field=FIELD_NAMES[key], n=MOST[key])
        )
        raw[key] = ""
    values = {"email": raw.get("email", "")}
    values["name"] = raw.get("name") or " ".join(raw[p] for p in NAME_PARTS if raw.get(p))
    values["postcode"], values["region"] = raw.get("postcode", ""), raw.get("region", "")
    values["country"] = _checked(row, raw.get("country", ""), country_code, _not_a_country)
    values["language"] = _checked(row, raw.get("language", ""), language_tag, _not_a_language)
    if not values["email"] and "email" not in too_long:
        row.errors.append(_("The e-mail address is missing"))
    elif values["email"] and not _valid_email(values["email"]):
        row.errors.append(_("“%(value)s” is not an e-mail address", value=shown(values["email"])))
    if len(values["name"]) > MOST["name"]:
        row.errors.append(_("The name is longer than %(n)s characters", n=MOST["name"]))
    return values


@functools.lru_cache(maxsize=65_536)
def _valid_email(value: str) -> bool:
    """email-validator's verdict (no DNS), remembered: the preview, the page after it and the
    import itself check the same addresses, and it costs more than everything else a row needs."""
    return valid_email(value)


def _checked(
    row: ImportRow, value: str, normal: Callable[[str], str | None], problem: Callable[[str], str]
) -> str:
    if not value:
        return ""
    found = normal(value)
    if found is None:
        row.errors.append(problem(value))
        return ""
    return found


def _not_a_country(value: str) -> str:
    return _("“%(value)s” is not a country code such as GB or ZM", value=shown(value))


def _not_a_language(value: str) -> str:
    return _("“%(value)s” is not a language code such as en or es", value=shown(value))


@functools.cache
def _names(kind: str) -> dict[str, str]:
    """Countries (``territories``) or languages by their names in English, Spanish, French and
    Portuguese, squashed."""
    found: dict[str, str] = {}
    for language in ("pt", "fr", "es", "en"):  # English last: it wins a clash
        for code, name in getattr(Locale(language), kind).items():
            found[squashed(name)] = code
    return found


def country_code(value: str) -> str | None:
    """The ISO 3166-1 code of a country given by its code (UK for GB too) or its name; None if none."""
    code = _COUNTRY_ALIASES.get(value.upper(), value.upper())
    if code in COUNTRY_CODES:
        return code
    named = _names("territories").get(squashed(value))
    return named if named in COUNTRY_CODES else None


def language_tag(value: str) -> str | None:
    """A language as a tag (``en``, ``pt-BR``), given by its tag or its name; None if none is known."""
    parts = value.replace("_", "-").split("-")
    language = parts[0].lower()
    known = Locale("en").languages
    if not (language.isalpha() and language in known):
        named = _names("languages").get(squashed(value))
        return named.split("_")[0] if named and named.split("_")[0] in known else None
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.upper() in COUNTRY_CODES), None)
    return f"{language}-{region}" if region else language
