"""sortition: pools of volunteers (features and quotas), selection runs, draws with committed seeds

Revision ID: 0033
Revises: 0035
Create Date: 2026-12-15 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sortition_pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("panel_size", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("one_per_household", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("volunteering_open", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("features_erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"],
            ["assemblies.id"],
            name=op.f("fk_sortition_pools_assembly_id_assemblies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sortition_pools")),
        sa.UniqueConstraint("assembly_id", name=op.f("uq_sortition_pools_assembly_id")),
    )
    op.create_table(
        "sortition_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("replacing_draw_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("time_limit", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("progress_text", sa.String(length=300), nullable=False),
        sa.Column("instance", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("legacy", sa.JSON(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_sortition_runs_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["sortition_pools.id"],
            name=op.f("fk_sortition_runs_pool_id_sortition_pools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sortition_runs")),
    )
    op.create_index(op.f("ix_sortition_runs_pool_id"), "sortition_runs", ["pool_id"], unique=False)

    op.create_table(
        "sortition_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("seed_sha256", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.String(length=300), nullable=True),
        sa.Column("lottery", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("selected", sa.JSON(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_sortition_draws_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sortition_runs.id"],
            name=op.f("fk_sortition_draws_run_id_sortition_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sortition_draws")),
    )
    op.create_index(op.f("ix_sortition_draws_run_id"), "sortition_draws", ["run_id"], unique=False)

    op.create_table(
        "sortition_volunteers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("pseudonym", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("household", sa.String(length=300), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("imported", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("confirmation_sends", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=True),
        sa.Column("invitation", sa.String(length=20), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["draw_id"],
            ["sortition_draws.id"],
            name=op.f("fk_sortition_volunteers_draw_id_sortition_draws"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_sortition_volunteers_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["sortition_pools.id"],
            name=op.f("fk_sortition_volunteers_pool_id_sortition_pools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["assembly_registrations.id"],
            name=op.f("fk_sortition_volunteers_registration_id_assembly_registrations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sortition_volunteers")),
        sa.UniqueConstraint("pool_id", "email", name=op.f("uq_sortition_volunteers_pool_id_email")),
        sa.UniqueConstraint("pool_id", "pseudonym", name=op.f("uq_sortition_volunteers_pool_id_pseudonym")),
    )
    op.create_index(
        op.f("ix_sortition_volunteers_person_id"), "sortition_volunteers", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_sortition_volunteers_pool_id"), "sortition_volunteers", ["pool_id"], unique=False
    )


def downgrade() -> None:
    for table in ("sortition_volunteers", "sortition_draws", "sortition_runs", "sortition_pools"):
        op.drop_table(table)  # their indexes go with them
