"""one response model for petitions and letter campaigns: letter_responses folded into target_responses

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "target_id, text, responded_on, recorded_by_id, recorded_at"


def upgrade() -> None:
    with op.batch_alter_table("target_responses") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.alter_column("petition_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            batch.f("fk_target_responses_campaign_id_letter_campaigns"),
            "letter_campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint(
            batch.f("uq_target_responses_campaign_id_target_id"), ["campaign_id", "target_id"]
        )
        batch.create_check_constraint(
            batch.f("ck_target_responses_one_action"), "(petition_id IS NULL) <> (campaign_id IS NULL)"
        )
        batch.create_index(batch.f("ix_target_responses_campaign_id"), ["campaign_id"], unique=False)
    op.execute(
        f"INSERT INTO target_responses (campaign_id, {COLUMNS}) "  # noqa: S608 (constants)
        f"SELECT campaign_id, {COLUMNS} FROM letter_responses ORDER BY id"
    )
    op.drop_table("letter_responses")


def downgrade() -> None:
    op.create_table(
        "letter_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["letter_campaigns.id"],
            name=op.f("fk_letter_responses_campaign_id_letter_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_letter_responses_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_letter_responses_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_responses")),
        sa.UniqueConstraint(
            "campaign_id", "target_id", name=op.f("uq_letter_responses_campaign_id_target_id")
        ),
    )
    with op.batch_alter_table("letter_responses") as batch:
        batch.create_index(batch.f("ix_letter_responses_campaign_id"), ["campaign_id"], unique=False)
    op.execute(
        f"INSERT INTO letter_responses (campaign_id, {COLUMNS}) "  # noqa: S608 (constants)
        f"SELECT campaign_id, {COLUMNS} FROM target_responses WHERE campaign_id IS NOT NULL ORDER BY id"
    )
    op.execute("DELETE FROM target_responses WHERE campaign_id IS NOT NULL")
    with op.batch_alter_table("target_responses") as batch:
        batch.drop_index(batch.f("ix_target_responses_campaign_id"))
        batch.drop_constraint(batch.f("ck_target_responses_one_action"), type_="check")
        batch.drop_constraint(batch.f("uq_target_responses_campaign_id_target_id"), type_="unique")
        batch.drop_constraint(batch.f("fk_target_responses_campaign_id_letter_campaigns"), type_="foreignkey")
        batch.alter_column("petition_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("campaign_id")
