"""assembly forms: registration questions, structured access needs, agenda speakers, closing reports

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assembly_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("hint", sa.String(length=500), nullable=False),
        sa.Column("required", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"],
            ["assemblies.id"],
            name=op.f("fk_assembly_questions_assembly_id_assemblies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_questions")),
    )
    with op.batch_alter_table("assembly_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assembly_questions_assembly_id"), ["assembly_id"], unique=False)

    op.create_table(
        "assembly_agenda_speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["assembly_agenda_items.id"],
            name=op.f("fk_assembly_agenda_speakers_agenda_item_id_assembly_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_agenda_speakers")),
    )
    with op.batch_alter_table("assembly_agenda_speakers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_agenda_speakers_agenda_item_id"), ["agenda_item_id"], unique=False
        )

    op.create_table(
        "assembly_closing_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("media_links", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assembly_id"],
            ["assemblies.id"],
            name=op.f("fk_assembly_closing_reports_assembly_id_assemblies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_assembly_closing_reports_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_closing_reports")),
        sa.UniqueConstraint("assembly_id", name=op.f("uq_assembly_closing_reports_assembly_id")),
    )

    # Registrations made before keep what they wrote in access_needs; their structured needs are none.
    with op.batch_alter_table("assembly_registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("needs", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("assembly_registrations", schema=None) as batch_op:
        batch_op.drop_column("needs")
    op.drop_table("assembly_closing_reports")
    with op.batch_alter_table("assembly_agenda_speakers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_agenda_speakers_agenda_item_id"))
    op.drop_table("assembly_agenda_speakers")
    with op.batch_alter_table("assembly_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_questions_assembly_id"))
    op.drop_table("assembly_questions")
