"""letter campaign changes: each save of a campaign's edit page, with the fields' old and new values

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table only: letter_campaigns itself is not altered (on SQLite a batch would copy it and
    # drop the old one, and the drop would cascade to the rows that refer to the campaigns).
    op.create_table(
        "letter_campaign_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["letter_campaigns.id"],
            name=op.f("fk_letter_campaign_changes_campaign_id_letter_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_letter_campaign_changes_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_campaign_changes")),
    )
    op.create_index(
        op.f("ix_letter_campaign_changes_campaign_id"),
        "letter_campaign_changes",
        ["campaign_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_letter_campaign_changes_campaign_id"), table_name="letter_campaign_changes")
    op.drop_table("letter_campaign_changes")
