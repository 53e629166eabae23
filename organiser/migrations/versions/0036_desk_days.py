"""the desk's kept counts of days gone by, sent mailings' outcomes, organisations' saved segments

Revision ID: 0036
Revises: 0032
Create Date: 2026-12-02 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tree_day() -> list[sa.Column]:
    return [
        sa.Column(
            "tree_id", sa.Integer(), sa.ForeignKey("coalitions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "desk_days",
        *_tree_day(),
        sa.Column("series", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tree_id", "zone", "day", "series", "subject_id", "label", "sponsor_id"),
    )
    op.create_table(
        "desk_days_counted",
        *_tree_day(),
        sa.PrimaryKeyConstraint("tree_id", "zone", "day"),
    )
    op.create_table(
        "mailing_outcomes",
        sa.Column(
            "mailing_id", sa.Integer(), sa.ForeignKey("mailings.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("unsubscribed", sa.Integer(), nullable=False),
        sa.Column("bounced", sa.Integer(), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mailing_id"),
    )

    _organisations_segments()


def _organisations_segments() -> None:
    """Saved segments of an organisation's admins; a name once per coordinators and per organisation."""
    with op.batch_alter_table("supporter_segments") as batch:  # a small table: SQLite copies it
        batch.drop_constraint("uq_supporter_segments_coalition_id_name", type_="unique")
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_supporter_segments_organisation_id_organisations",
            "organisations",
            ["organisation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_supporter_segments_organisation_id", ["organisation_id"])
    for name, columns, where in (
        ("uq_supporter_segments_coordinators_name", ["coalition_id", "name"], "organisation_id IS NULL"),
        (
            "uq_supporter_segments_organisation_name",
            ["coalition_id", "organisation_id", "name"],
            "organisation_id IS NOT NULL",
        ),
    ):
        op.create_index(
            name,
            "supporter_segments",
            columns,
            unique=True,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )


def downgrade() -> None:
    op.drop_index("uq_supporter_segments_organisation_name", table_name="supporter_segments")
    op.drop_index("uq_supporter_segments_coordinators_name", table_name="supporter_segments")
    op.execute("DELETE FROM supporter_segments WHERE organisation_id IS NOT NULL")
    with op.batch_alter_table("supporter_segments") as batch:
        batch.drop_index("ix_supporter_segments_organisation_id")
        batch.drop_constraint("fk_supporter_segments_organisation_id_organisations", type_="foreignkey")
        batch.drop_column("organisation_id")
        batch.create_unique_constraint("uq_supporter_segments_coalition_id_name", ["coalition_id", "name"])
    op.drop_table("mailing_outcomes")
    op.drop_table("desk_days_counted")
    op.drop_table("desk_days")
