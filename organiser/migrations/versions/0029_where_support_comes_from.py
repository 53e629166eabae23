"""where support comes from: each signature's area, each petition's tally by area, coalitions' maps

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TO_PLACE = "state = 'counted' AND area IS NULL"


def upgrade() -> None:
    # Not a batch: a nullable column is added in place on SQLite too (a batch would copy the table,
    # and dropping the old one would cascade). Counted signatures start without an area: the
    # workers' sweep places them.
    op.add_column("signatures", sa.Column("area", sa.String(length=40), nullable=True))
    op.create_index(
        "ix_signatures_to_place",
        "signatures",
        ["petition_id"],
        unique=False,
        postgresql_where=sa.text(TO_PLACE),
        sqlite_where=sa.text(TO_PLACE),
    )
    op.create_table(
        "petition_areas",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("signatures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_areas_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("petition_id", "area", name=op.f("pk_petition_areas")),
    )
    op.create_table(
        "boundary_maps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("width", sa.Float(), nullable=False),
        sa.Column("height", sa.Float(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("code_property", sa.String(length=100), nullable=False),
        sa.Column("name_property", sa.String(length=100), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_boundary_maps_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_boundary_maps_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_maps")),
    )
    op.create_index(op.f("ix_boundary_maps_coalition_id"), "boundary_maps", ["coalition_id"], unique=True)
    op.create_table(
        "area_boundaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["boundary_maps.id"],
            name=op.f("fk_area_boundaries_map_id_boundary_maps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_boundaries")),
        sa.UniqueConstraint("map_id", "code", name=op.f("uq_area_boundaries_map_id_code")),
    )
    op.create_index(op.f("ix_area_boundaries_map_id"), "area_boundaries", ["map_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_area_boundaries_map_id"), table_name="area_boundaries")
    op.drop_table("area_boundaries")
    op.drop_index(op.f("ix_boundary_maps_coalition_id"), table_name="boundary_maps")
    op.drop_table("boundary_maps")
    op.drop_table("petition_areas")
    op.drop_index(
        "ix_signatures_to_place",
        table_name="signatures",
        postgresql_where=sa.text(TO_PLACE),
        sqlite_where=sa.text(TO_PLACE),
    )
    # SQLite (3.35+) drops a column in place.
    op.drop_column("signatures", "area")
