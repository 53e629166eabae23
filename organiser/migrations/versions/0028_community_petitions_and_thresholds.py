"""community petitions and thresholds: petitions started by supporters (beside ``petitions``, which is
not altered), their creators' updates, each coalition's settings; thresholds with what happens next,
and the mailing that took each recorded response to the signers

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 05:33:29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community_settings",
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("open_to_supporters", sa.Boolean(), nullable=False),
        sa.Column("supporters_needed", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_community_settings_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_community_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("coalition_id", name=op.f("pk_community_settings")),
    )
    op.create_table(
        "community_petitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("creator_name", sa.String(length=200), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("consent_coalition", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("supporters_needed", sa.Integer(), nullable=False),
        sa.Column("confirmation_sends", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.String(length=40), nullable=False),
        sa.Column("rejection_note", sa.Text(), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["adopted_by_id"],
            ["users.id"],
            name=op.f("fk_community_petitions_adopted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_community_petitions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_community_petitions_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_community_petitions_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_petitions")),
        sa.UniqueConstraint("petition_id", name=op.f("uq_community_petitions_petition_id")),
    )
    op.create_index(
        op.f("ix_community_petitions_person_id"), "community_petitions", ["person_id"], unique=False
    )
    op.create_index(op.f("ix_community_petitions_state"), "community_petitions", ["state"], unique=False)

    op.create_table(
        "petition_thresholds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("signatures", sa.Integer(), nullable=False),
        sa.Column("next_step", sa.String(length=20), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_petition_thresholds_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_thresholds_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_thresholds")),
        sa.UniqueConstraint(
            "petition_id", "signatures", name=op.f("uq_petition_thresholds_petition_id_signatures")
        ),
    )
    op.create_index(
        op.f("ix_petition_thresholds_petition_id"), "petition_thresholds", ["petition_id"], unique=False
    )

    op.create_table(
        "petition_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("mailing_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community_petitions.id"],
            name=op.f("fk_petition_updates_community_id_community_petitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_petition_updates_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mailing_id"],
            ["mailings.id"],
            name=op.f("fk_petition_updates_mailing_id_mailings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_updates")),
    )
    op.create_index(
        op.f("ix_petition_updates_community_id"), "petition_updates", ["community_id"], unique=False
    )

    op.create_table(
        "response_mailings",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("mailing_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mailing_id"],
            ["mailings.id"],
            name=op.f("fk_response_mailings_mailing_id_mailings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["target_responses.id"],
            name=op.f("fk_response_mailings_response_id_target_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_response_mailings")),
    )


def downgrade() -> None:
    op.drop_table("response_mailings")
    op.drop_index(op.f("ix_petition_updates_community_id"), table_name="petition_updates")

    op.drop_table("petition_updates")
    op.drop_index(op.f("ix_petition_thresholds_petition_id"), table_name="petition_thresholds")

    op.drop_table("petition_thresholds")
    op.drop_index(op.f("ix_community_petitions_state"), table_name="community_petitions")
    op.drop_index(op.f("ix_community_petitions_person_id"), table_name="community_petitions")

    op.drop_table("community_petitions")
    op.drop_table("community_settings")
