"""Text search over a table's columns: PostgreSQL's full-text search, a LIKE fallback on SQLite.

On PostgreSQL a searchable table has a GIN index on the *expression* ``document(...)`` builds
(organiser/migrations/versions/0027_…): the query must use that same expression, column for column,
for the planner to use the index, so the migration's SQL and the callers' ``document(...)`` name the
same columns in the same order (tests/hub/test_search.py checks the plan).

Language configuration: actions and assemblies have no language of their own (a coalition may use
several, and PostgreSQL has no configuration for Bemba or Nyanja), so they are indexed with
``'simple'``: words lower-cased, no stemming, no stop words. Coalitions name their languages: a
coalition is indexed with the configuration of its first language (``LANGUAGE_CONFIG``; 'simple'
for the others), and searched with the query parsed by each of those configurations in turn, so
"alianzas" finds "Alianza" in a Spanish description and "alliances" finds "Alliance" in an English one.

On SQLite (the embedded default) every word of the query must appear, in any case, in one of the
columns (``LIKE '%word%'``); results come newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, literal_column, null, or_, text
from sqlalchemy.sql.elements import ColumnElement

MAX_QUERY = 200  # characters a search may have (the form says so above that)
MAX_WORDS = 8  # words the LIKE fallback looks for

# ISO 639-1 → PostgreSQL's text search configurations (those every supported release has).
LANGUAGE_CONFIG = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "pt": "portuguese",
    "de": "german",
    "it": "italian",
    "nl": "dutch",
    "ru": "russian",
    "tr": "turkish",
}
SIMPLE = "simple"


def _config(name: str) -> ColumnElement[Any]:
    return literal_column(f"'{name}'")


def document(
    weighted: ColumnElement[Any], *rest: ColumnElement[Any], config: ColumnElement[Any] | None = None
) -> ColumnElement[Any]:
    """``setweight(to_tsvector(cfg, weighted), 'A') || to_tsvector(cfg, rest₁ || ' ' || rest₂ …)``:
    the title weighs more than the words around it. The migration's index expressions are this."""
    cfg = config if config is not None else _config(SIMPLE)
    vector = func.setweight(func.to_tsvector(cfg, weighted), text("'A'"))
    if not rest:
        return vector
    body: ColumnElement[Any] = rest[0]
    for column in rest[1:]:
        body = body.op("||")(literal_column("' '")).op("||")(column)
    return vector.op("||")(func.to_tsvector(cfg, body))


def language_config(languages: ColumnElement[Any]) -> ColumnElement[Any]:
    """The configuration of a coalition's first language (a JSON list of codes), 'simple' for others."""
    cases = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in LANGUAGE_CONFIG.items())
    column = f"{languages.table.name}.{languages.name}"  # type: ignore[attr-defined]
    return literal_column(f"CASE ({column} ->> 0) {cases} ELSE 'simple'::regconfig END")


def query(q: str, *, languages: bool = False) -> ColumnElement[Any]:
    """``websearch_to_tsquery`` (quoted phrases, ``or``, ``-word``) in 'simple', or, for documents
    indexed by language, in every configuration of ``LANGUAGE_CONFIG`` too (any may match)."""
    parsed = func.websearch_to_tsquery(_config(SIMPLE), q)
    if languages:
        for name in dict.fromkeys(LANGUAGE_CONFIG.values()):
            parsed = parsed.op("||")(func.websearch_to_tsquery(_config(name), q))
    return parsed


def is_postgresql(session: Any) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def words(q: str) -> list[str]:
    """The words of a query, for the LIKE fallback (quotes and a leading minus are PostgreSQL's syntax)."""
    cleaned = q.replace('"', " ")
    return [w.lstrip("-") for w in cleaned.split() if w.lstrip("-")][:MAX_WORDS]


def like_all(q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Each word of ``q`` in one of ``columns``, whatever its case (SQLite's LIKE ignores ASCII case)."""
    conditions = []
    for word in words(q):
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(*(func.lower(c).like(pattern.lower(), escape="\\") for c in columns)))
    return and_(*conditions) if conditions else literal_column("1 = 0")


def matches(
    session: Any,
    q: str,
    weighted: ColumnElement[Any],
    *rest: ColumnElement[Any],
    config: ColumnElement[Any] | None = None,
) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
    """The condition that a row matches ``q`` and its relevance (0 on SQLite)."""
    if not is_postgresql(session):
        return like_all(q, weighted, *rest), null()
    vector = document(weighted, *rest, config=config)
    tsquery = query(q, languages=config is not None)
    return vector.op("@@")(tsquery), func.ts_rank(vector, tsquery)
