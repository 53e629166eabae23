"""public search: GIN full-text indexes on petitions, letter campaigns, assemblies and coalitions

PostgreSQL only: SQLite (the embedded default) searches with LIKE, which no index serves. Each index
is on the very expression ``organiser.web.search.document`` builds for the search query (the planner
uses an expression index only for the same expression); the models do not declare them (Alembic
cannot compare expression indexes on SQLite), so ``organiser.migrate.include_name`` leaves indexes
named ``*_fts`` out of the comparison of models and migrations, and tests/hub/test_search.py checks
that the queries use them.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Actions and assemblies have no language of their own: 'simple' (no stemming, no stop words).
SIMPLE = {
    "ix_petitions_fts": (
        "petitions",
        "setweight(to_tsvector('simple', title), 'A') || "
        "to_tsvector('simple', (((ask || ' ') || background) || ' ') || target)",
    ),
    "ix_letter_campaigns_fts": (
        "letter_campaigns",
        "setweight(to_tsvector('simple', title), 'A') || to_tsvector('simple', intro)",
    ),
    "ix_assemblies_fts": (
        "assemblies",
        "setweight(to_tsvector('simple', title), 'A') || "
        "to_tsvector('simple', (description || ' ') || venue)",
    ),
}
# A coalition in its first language's configuration (organiser.web.search.LANGUAGE_CONFIG as it was
# when this ran: a change there needs a migration that rebuilds this index).
_LANGUAGES = (
    ("en", "english"),
    ("es", "spanish"),
    ("fr", "french"),
    ("pt", "portuguese"),
    ("de", "german"),
    ("it", "italian"),
    ("nl", "dutch"),
    ("ru", "russian"),
    ("tr", "turkish"),
)
_CONFIG = (
    "CASE (languages ->> 0) "
    + " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in _LANGUAGES)
    + " ELSE 'simple'::regconfig END"
)
COALITIONS = (
    "ix_coalitions_fts",
    "coalitions",
    f"setweight(to_tsvector({_CONFIG}, name), 'A') || to_tsvector({_CONFIG}, description)",
)


def _indexes() -> list[tuple[str, str, str]]:
    return [(name, table, expression) for name, (table, expression) in SIMPLE.items()] + [COALITIONS]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, expression in _indexes():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (({expression}))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _expression in _indexes():
        op.execute(f"DROP INDEX IF EXISTS {name}")
