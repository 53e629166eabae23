"""paced letter delivery: personal or unedited, the daily cap, the digest's hour and zone

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("letter_campaigns") as batch:
        batch.add_column(sa.Column("daily_cap", sa.Integer(), server_default="50", nullable=False))
        batch.add_column(sa.Column("digest_hour", sa.Integer(), server_default="17", nullable=False))
        batch.add_column(sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False))
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("delivered_on", sa.Date(), nullable=True))
        batch.create_index("ix_letters_pacing", ["campaign_id", "status", "target_id"], unique=False)


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite has it since 3.35): batch mode would recreate the tables,
    # and on SQLite dropping the old letter_campaigns cascades into every table that refers to it.
    op.drop_index("ix_letters_pacing", table_name="letters")
    for column in ("delivered_on", "kind"):
        op.drop_column("letters", column)
    for column in ("timezone", "digest_hour", "daily_cap"):
        op.drop_column("letter_campaigns", column)
