"""What the attack tests found, in one place.

``FOUND`` keeps, for each generated test (by its id), the tries that once showed a hole there: they
run first, every time, since generated values find them only now and then. ``OPEN`` lists the holes
not closed yet: each makes its test a strict xfail on the databases where it shows; once the app is
fixed the test passes, the xfail fails it (XPASS), and the entry is to be removed from ``OPEN``."""

from __future__ import annotations

BOTH = ("postgresql", "sqlite")

BLANK_FILTER = (
    "abuse: an e-mail domain of spaces passes InvalidationForm; its count page then confirms an "
    "invalidation with no filter at all, and abuse.invalidate raises ValueError: a 500"
)

_YEAR_ONE = tuple(
    (name, "0001-01-01T00:00") for name in ("starts", "registration_opens", "registration_closes")
)
FOUND: dict[str, tuple[tuple[str, str], ...]] = {
    # A NUL in the sign form's hidden tracking fields, or in the Referer: a 500 on PostgreSQL, stored
    # on SQLite (closed by 33d1652).
    "sign": (("source", "zla\x00"), ("utm_source", "a\x00b")),
    "embed": (("source", "zla\x00"),),
    "headers-sign": (("Referer", "https://example.org/\x00"),),
    "headers-embed": (("Referer", "https://example.org/\x00"),),
    # Year 1 overflowed moving from the assembly's zone to UTC: a 500 (closed by faf828f).
    "new-assembly": _YEAR_ONE,
    "edit-assembly": _YEAR_ONE,
    "agenda": (("starts", "0001-01-01T00:00"),),
    # Saving the profile of an organisation with a logo, choosing no new one: a 500 (closed by cf3ba93).
    "profile": (("name", "Zambia Land Alliance"),),
    "abuse": (("domain", " "),),  # BLANK_FILTER
    # A control character in a supporters' file's column names: stored as the column's key in the
    # import's choice of columns (closed before it was merged: the first row is refused).
    "import-people": (("file", "em\x01ail\nann@example.org\n"),),
}
QUERY_CLASH = (
    "a query parameter named like the route's own argument (GET /petitions/<slug>?slug=x, /mailings/<id>/"
    "edit?id=1, /account/reset/<token>?token=1) is a bare 500 on every page: the language links "
    "(organiser/web/templating.py lang_url) call url_for(endpoint, **view_args, **args) with the name "
    "twice, a TypeError, and the error page fails the same way (KeyError)"
)
OPEN: dict[str, tuple[tuple[str, ...], str]] = {  # test id → (the databases it shows on, why)
}
