"""API writes: answers kept for Idempotency-Key, and the ledger of vouched signatures

Revision ID: 0037
Revises: 0033
Create Date: 2026-12-02 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_idempotent_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_api_idempotent_answers_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_api_idempotent_answers_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotent_answers")),
        sa.UniqueConstraint(
            "api_key_id", "idempotency_key", name=op.f("uq_api_idempotent_answers_api_key_id_idempotency_key")
        ),
    )
    op.create_index(op.f("ix_api_idempotent_answers_created_at"), "api_idempotent_answers", ["created_at"])
    op.create_index(op.f("ix_api_idempotent_answers_person_id"), "api_idempotent_answers", ["person_id"])
    op.create_table(
        "api_vouched_signatures",
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("key_name", sa.String(length=120), nullable=False),
        sa.Column("vouched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_api_vouched_signatures_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_api_vouched_signatures_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("signature_id", name=op.f("pk_api_vouched_signatures")),
    )
    op.create_index(op.f("ix_api_vouched_signatures_api_key_id"), "api_vouched_signatures", ["api_key_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_api_vouched_signatures_api_key_id"), table_name="api_vouched_signatures")
    op.drop_table("api_vouched_signatures")
    op.drop_index(op.f("ix_api_idempotent_answers_person_id"), table_name="api_idempotent_answers")
    op.drop_index(op.f("ix_api_idempotent_answers_created_at"), table_name="api_idempotent_answers")
    op.drop_table("api_idempotent_answers")
