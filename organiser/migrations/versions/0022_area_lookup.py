"""area lookup: a coalition's postcode and area table, and each decision-maker's area code

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("area_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_area_keys_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_keys")),
        sa.UniqueConstraint("coalition_id", "key", name=op.f("uq_area_keys_coalition_id_key")),
    )
    with op.batch_alter_table("area_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_keys_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_keys_coalition_id"), ["coalition_id"], unique=False)
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_code", sa.String(length=40), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_targets_area_code"), ["area_code"], unique=False)


def downgrade() -> None:
    # Not a batch: SQLite would copy the table, and dropping the old one would cascade to the
    # responses that point at it. SQLite (3.35+) drops a column in place.
    op.drop_index(op.f("ix_targets_area_code"), table_name="targets")
    op.drop_column("targets", "area_code")
    with op.batch_alter_table("area_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_keys_coalition_id"))
        batch_op.drop_index(batch_op.f("ix_area_keys_area_code"))
    op.drop_table("area_keys")
