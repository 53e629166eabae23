"""The time zones an organiser picks from: named in the reader's language (CLDR, through Babel), the
coalition's own country's zones first, each one an IANA zone this server knows (zoneinfo)."""

from __future__ import annotations

import functools
import zoneinfo

from babel.core import get_global
from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice


@functools.cache
def _territory_zones() -> dict[str, tuple[str, ...]]:
    """Each country's canonical zones (CLDR), those the server's zoneinfo knows."""
    known = zoneinfo.available_timezones()
    return {
        territory: tuple(zone for zone in zones if zone in known)
        for territory, zones in get_global("territory_zones").items()
    }


@functools.cache
def _labelled(locale: str) -> tuple[tuple[str, str], ...]:
    """Every zone with its name in ``locale``, sorted by name (computed once per language: a few
    hundred names take a fifth of a second)."""
    zones = sorted({zone for zones in _territory_zones().values() for zone in zones})
    labelled = [(zone, f"{get_timezone_location(zone, locale=locale)} ({zone})") for zone in zones]
    return tuple(sorted(labelled, key=lambda pair: pair[1].casefold()))


def zone_choices(country: str | None, keep: str = "") -> list[SelectChoice]:
    """The choices of a select, grouped: the country's zones, then every other one, then UTC.
    ``keep`` (a zone saved before the list existed) stays choosable."""
    labelled = _labelled(str(get_locale() or "en"))
    own = set(_territory_zones().get((country or "").upper(), ()))
    rest_group = _("Everywhere else") if own else _("Time zones")
    choices = [
        SelectChoice(z, label, optgroup=_("In the coalition's country")) for z, label in labelled if z in own
    ]
    if (
        keep
        and keep != "UTC"
        and keep not in {z for z, _label in labelled}
        and keep in zoneinfo.available_timezones()
    ):
        choices.append(SelectChoice(keep, keep, optgroup=rest_group))
    choices += [SelectChoice(z, label, optgroup=rest_group) for z, label in labelled if z not in own]
    choices.append(SelectChoice("UTC", _("Coordinated Universal Time (UTC)"), optgroup=_("Universal time")))
    return choices


def zones_of(countries: list[str], keep: str = "") -> list[SelectChoice]:
    """A short list: the zones of these countries (a coalition's and its chapters'), then UTC.
    ``keep`` (a zone chosen by another way, a link) stays choosable."""
    labelled = dict(_labelled(str(get_locale() or "en")))
    zones = [z for country in countries for z in _territory_zones().get((country or "").upper(), ())]
    if keep and keep != "UTC" and keep not in zones and keep in zoneinfo.available_timezones():
        zones.append(keep)
    choices = [SelectChoice(z, labelled.get(z, z)) for z in sorted(dict.fromkeys(zones), key=labelled.get)]
    return [*choices, SelectChoice("UTC", _("Coordinated Universal Time (UTC)"))]


def default_zone(country: str | None) -> str:
    """A new assembly's zone before anyone chooses: the country's, when it has only one."""
    zones = _territory_zones().get((country or "").upper(), ())
    return zones[0] if len(zones) == 1 else ""


def country_zone(country: str | None) -> str:
    """A zone for a coalition's country when something needs one before anyone chooses: its first
    (CLDR's main) zone, or UTC."""
    zones = _territory_zones().get((country or "").upper(), ())
    return zones[0] if zones else "UTC"


def is_zone(name: str) -> bool:
    return name == "UTC" or name in zoneinfo.available_timezones()
