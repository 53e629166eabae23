"""supporter imports: each CSV of supporters imported into a coalition, and who it created or added to

Revision ID: 0032
Revises: 0030
Create Date: 2026-12-14 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "supporter_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_data", sa.LargeBinary(), nullable=True),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("consent_given", sa.Boolean(), nullable=True),
        sa.Column("consent_wording", sa.Text(), nullable=False),
        sa.Column("consent_source", sa.String(length=200), nullable=False),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progressed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        *(
            _count(name)
            for name in (
                "rows",
                "errors",
                "repeated",
                "addresses",
                "handled",
                "created",
                "merged",
                "unchanged",
                "suppressed",
                "withdrawn",
            )
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_supporter_imports_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_supporter_imports_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporter_imports")),
    )
    op.create_index(
        op.f("ix_supporter_imports_coalition_id"), "supporter_imports", ["coalition_id"], unique=False
    )
    op.create_table(
        "supporter_import_people",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["supporter_imports.id"],
            name=op.f("fk_supporter_import_people_import_id_supporter_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_supporter_import_people_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "person_id", name=op.f("pk_supporter_import_people")),
    )
    op.create_index(
        op.f("ix_supporter_import_people_person_id"), "supporter_import_people", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_supporter_import_people_person_id"), table_name="supporter_import_people")
    op.drop_table("supporter_import_people")
    op.drop_index(op.f("ix_supporter_imports_coalition_id"), table_name="supporter_imports")
    op.drop_table("supporter_imports")
