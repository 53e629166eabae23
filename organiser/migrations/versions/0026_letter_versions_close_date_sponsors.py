"""letters: several suggested versions, a close date, whether writers may edit, co-sponsors and where
each letter came from (its tracking code, co-sponsor, utm fields and referrer)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 04:00:00

The campaigns' ``subject`` and ``body`` become each campaign's first version, and are dropped; each
letter written before is linked to it. ``letter_campaigns`` and ``letters`` are altered with plain
ADD and DROP COLUMN, never a batch: on SQLite a batch copies the table and drops the old one, and the
drop would cascade to the rows that refer to it. SQLite cannot add a foreign key to a table, but
takes one written into the column's own definition, which is how it is added there; SQLite then
keeps no ON DELETE that can be read back, so these two keys have none anywhere (they refuse the
delete of what they name: see the Letter model).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCE_COLUMNS = (("utm_source", 120), ("utm_medium", 120), ("utm_campaign", 120), ("referrer", 500))
# letters' new keys: column → (the table it refers to, the foreign key's name)
_REFERENCES = {
    "version_id": ("letter_versions", "fk_letters_version_id_letter_versions"),
    "sponsor_organisation_id": ("organisations", "fk_letters_sponsor_organisation_id_organisations"),
}


def upgrade() -> None:
    _create_versions()
    _create_sponsors()
    op.add_column(
        "letter_campaigns",
        sa.Column("writers_may_edit", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column("letter_campaigns", sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "INSERT INTO letter_versions (campaign_id, position, label, subject, body, created_at) "
        "SELECT id, 1, '', subject, body, created_at FROM letter_campaigns"
    )
    op.drop_column("letter_campaigns", "subject")
    op.drop_column("letter_campaigns", "body")
    _add_letter_columns()
    op.execute(
        "UPDATE letters SET version_id = "
        "(SELECT v.id FROM letter_versions v WHERE v.campaign_id = letters.campaign_id)"
    )


def _create_versions() -> None:
    op.create_table(
        "letter_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["letter_campaigns.id"],
            name=op.f("fk_letter_versions_campaign_id_letter_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_versions")),
    )
    op.create_index(op.f("ix_letter_versions_campaign_id"), "letter_versions", ["campaign_id"])


def _create_sponsors() -> None:
    op.create_table(
        "letter_sponsors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["letter_campaigns.id"],
            name=op.f("fk_letter_sponsors_campaign_id_letter_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_letter_sponsors_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_letter_sponsors_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["users.id"],
            name=op.f("fk_letter_sponsors_responded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_sponsors")),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_letter_sponsors_campaign_id_code")),
        sa.UniqueConstraint(
            "campaign_id", "organisation_id", name=op.f("uq_letter_sponsors_campaign_id_organisation_id")
        ),
    )
    op.create_index(op.f("ix_letter_sponsors_campaign_id"), "letter_sponsors", ["campaign_id"])
    op.create_index(op.f("ix_letter_sponsors_organisation_id"), "letter_sponsors", ["organisation_id"])


def _add_letter_columns() -> None:
    op.add_column(
        "letters", sa.Column("consent_sponsor", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("letters", sa.Column("source", sa.String(length=80), nullable=False, server_default=""))
    for column, length in _SOURCE_COLUMNS:
        op.add_column(
            "letters", sa.Column(column, sa.String(length=length), nullable=False, server_default="")
        )
    for column, (table, name) in _REFERENCES.items():
        _add_reference(column, table, name)
        op.create_index(op.f(f"ix_letters_{column}"), "letters", [column])


def _add_reference(column: str, table: str, name: str) -> None:
    """A nullable key of ``letters`` to ``table``."""
    if op.get_context().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE letters ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {table} (id)"
        )
        return
    op.add_column("letters", sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(name, "letters", table, [column], ["id"])


def downgrade() -> None:
    for column in _REFERENCES:  # a key written into the column's definition goes with the column
        op.drop_index(op.f(f"ix_letters_{column}"), table_name="letters")
        op.drop_column("letters", column)
    for column in ("consent_sponsor", "source", *(name for name, _length in _SOURCE_COLUMNS)):
        op.drop_column("letters", column)
    op.add_column(
        "letter_campaigns", sa.Column("subject", sa.String(length=300), nullable=False, server_default="")
    )
    op.add_column("letter_campaigns", sa.Column("body", sa.Text(), nullable=False, server_default=""))
    for column in ("subject", "body"):  # the first version still offered (else the first at all)
        op.execute(
            f"UPDATE letter_campaigns SET {column} = COALESCE(("  # noqa: S608 (this file's names)
            f"SELECT v.{column} FROM letter_versions v WHERE v.campaign_id = letter_campaigns.id "
            "ORDER BY CASE WHEN v.archived_at IS NULL THEN 0 ELSE 1 END, v.position, v.id LIMIT 1), '')"
        )
    op.drop_column("letter_campaigns", "closes_at")
    op.drop_column("letter_campaigns", "writers_may_edit")
    op.drop_index(op.f("ix_letter_sponsors_organisation_id"), table_name="letter_sponsors")
    op.drop_index(op.f("ix_letter_sponsors_campaign_id"), table_name="letter_sponsors")
    op.drop_table("letter_sponsors")
    op.drop_index(op.f("ix_letter_versions_campaign_id"), table_name="letter_versions")
    op.drop_table("letter_versions")
