"""The holes the attack tests found, in one place. Each is a strict xfail where it shows: once the app is
fixed, its test passes, the xfail fails it (XPASS), and the entry here is to be removed.

``FORM_HOLES`` and ``OTHER_HOLES`` hold the bad-input holes, each with the tries that show it every
time (the generated values find them only now and then); the route holes are in test_route_roles.py,
whose reasons are these."""

from __future__ import annotations

from dataclasses import dataclass

ORG_MAILING = "issue 11 #3: a coalition's coordinators open, edit and send an organisation's own mailing"
OUTBOX = "issue 11 #2: every signed-in role with a grant reads every message in the local outbox"
LOGO = (
    "saving the profile of an organisation that has a logo, without choosing a new one, is a 500 (a "
    "browser's empty file part or none): FileField keeps the stored logo's bytes from obj= and the view "
    "calls .read() on them (organiser/coalitions/views.py edit_organisation)"
)
SEGMENT = (
    "organiser/inputs.py TextConverter: werkzeug's UnicodeConverter.__init__ sets self.regex = '[^/]{1,}' "
    "on the instance, hiding the class's regex, so a URL segment with a control character still matches "
    "(PostgreSQL: psycopg refuses the NUL in the lookup, a 500; tokens: 410 or their page)"
)
SOURCE = (
    "the sign form's hidden source and utm_* fields are read raw (organiser/actions/views.py "
    "_source_fields, no PlainText): a NUL is a 500 on PostgreSQL and is stored on SQLite"
)
BLANK_FILTER = (
    "abuse: an e-mail domain of spaces passes InvalidationForm; its count page then confirms an "
    "invalidation with no filter at all and abuse.invalidate raises ValueError: a 500"
)
YEAR_ONE = (
    "a date-time in year 1 (0001-01-01T00:00) passes DateTimeLocalField, and moving it from the "
    "assembly's zone to UTC overflows (OverflowError): a 500 (assemblies new and edit: starts, "
    "registration_opens, registration_closes; the agenda's starts)"
)
HEADERS = (
    "a signature's referrer is request.referrer unfiltered (organiser/actions/views.py _source_fields): a "
    "NUL in Referer is a 500 on PostgreSQL and is stored on SQLite (gunicorn 27 refuses C0 controls in "
    "header values; werkzeug's server, which `organiser demo` runs, passes them)"
)
WEBHOOK = (
    "the bounce webhook stores each event's email and detail unchecked (organiser/messaging/views.py "
    "bounce_webhook → record_bounce): an address over 320 characters or a NUL is a 500 on PostgreSQL, "
    "and a NUL is stored on SQLite; a list as the address is stored as its repr"
)

BOTH = ("postgresql", "sqlite")


@dataclass(frozen=True)
class Hole:
    reason: str
    databases: tuple[str, ...]
    tries: tuple[tuple[str, str], ...] = ()  # (field, value): what shows it


_YEAR_ONE_TRIES = tuple(
    (f, "0001-01-01T00:00") for f in ("starts", "registration_opens", "registration_closes")
)
FORM_HOLES: dict[str, Hole] = {  # test_every_form_takes_generated_bad_values[page]
    "profile": Hole(LOGO, BOTH, (("name", "Zambia Land Alliance"),)),
    "sign": Hole(SOURCE, BOTH, (("source", "zla\x00"), ("utm_source", "a\x00b"))),
    "embed": Hole(SOURCE, BOTH, (("source", "zla\x00"),)),
    "abuse": Hole(BLANK_FILTER, BOTH, (("domain", " "),)),
    "new-assembly": Hole(YEAR_ONE, BOTH, _YEAR_ONE_TRIES),
    "edit-assembly": Hole(YEAR_ONE, BOTH, _YEAR_ONE_TRIES),
    "agenda": Hole(YEAR_ONE, BOTH, (("starts", "0001-01-01T00:00"),)),
}
OTHER_HOLES: dict[str, Hole] = {
    "segments": Hole(SEGMENT, BOTH),  # test_a_control_character_in_a_url_segment_matches_no_route
    "headers-sign": Hole(HEADERS, BOTH, (("Referer", "https://example.org/\x00"),)),
    "headers-embed": Hole(HEADERS, BOTH, (("Referer", "https://example.org/\x00"),)),
    "webhook": Hole(WEBHOOK, BOTH),
}
