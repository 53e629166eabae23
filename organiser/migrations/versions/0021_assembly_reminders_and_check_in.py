"""assembly reminders: the plan of each assembly and the reminders sent

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assembly_reminder_plans",
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("offsets", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("planned_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"],
            ["assemblies.id"],
            name=op.f("fk_assembly_reminder_plans_assembly_id_assemblies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assembly_id", name=op.f("pk_assembly_reminder_plans")),
    )
    op.create_table(
        "assembly_reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("reminder", sa.String(length=40), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["assembly_registrations.id"],
            name=op.f("fk_assembly_reminders_sent_registration_id_assembly_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_reminders_sent")),
        sa.UniqueConstraint(
            "registration_id", "reminder", name=op.f("uq_assembly_reminders_sent_registration_id_reminder")
        ),
    )
    with op.batch_alter_table("assembly_reminders_sent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_reminders_sent_registration_id"), ["registration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assembly_reminders_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_reminders_sent_registration_id"))

    op.drop_table("assembly_reminders_sent")
    op.drop_table("assembly_reminder_plans")
