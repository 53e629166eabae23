"""letter follow-ups: writers asked whether the decision-maker replied; responsiveness on the public page

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch copies the table and drops the old one,
    # and the drop would cascade to the rows that refer to the campaigns (their responses).
    op.add_column(
        "letter_campaigns",
        sa.Column("show_responsiveness", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "letter_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("may_share", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["letter_campaigns.id"],
            name=op.f("fk_letter_follow_ups_campaign_id_letter_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_letter_follow_ups_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_letter_follow_ups_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_letter_follow_ups_target_id_targets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_follow_ups")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_letter_follow_ups_letter_id")),
    )
    with op.batch_alter_table("letter_follow_ups", schema=None) as batch_op:
        for column in ("answer", "campaign_id", "person_id", "reminded_at", "target_id"):
            batch_op.create_index(batch_op.f(f"ix_letter_follow_ups_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letter_follow_ups", schema=None) as batch_op:
        for column in ("answer", "campaign_id", "person_id", "reminded_at", "target_id"):
            batch_op.drop_index(batch_op.f(f"ix_letter_follow_ups_{column}"))
    op.drop_table("letter_follow_ups")
    op.drop_column("letter_campaigns", "show_responsiveness")  # plain, for the same reason
