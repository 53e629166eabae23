"""supporters: tags (and the people they are on), coordinators' notes, saved segments, and an index
for a tree's people newest first

Revision ID: 0031
Revises: 0029
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tree_id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("tags", "tree_id", "coalitions.id", "CASCADE"),
        _fk("tags", "coalition_id", "coalitions.id", "CASCADE"),
        _fk("tags", "created_by_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("tree_id", "name", name=op.f("uq_tags_tree_id_name")),
    )
    op.create_index(op.f("ix_tags_coalition_id"), "tags", ["coalition_id"], unique=False)
    op.create_table(
        "person_tags",
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("person_tags", "tag_id", "tags.id", "CASCADE"),
        _fk("person_tags", "person_id", "people.id", "CASCADE"),
        sa.PrimaryKeyConstraint("tag_id", "person_id", name=op.f("pk_person_tags")),
    )
    op.create_index(op.f("ix_person_tags_person_id"), "person_tags", ["person_id"], unique=False)
    op.create_table(
        "person_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("person_notes", "person_id", "people.id", "CASCADE"),
        _fk("person_notes", "coalition_id", "coalitions.id", "CASCADE"),
        _fk("person_notes", "author_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_notes")),
    )
    op.create_index(op.f("ix_person_notes_person_id"), "person_notes", ["person_id"], unique=False)
    op.create_table(
        "supporter_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("supporter_segments", "coalition_id", "coalitions.id", "CASCADE"),
        _fk("supporter_segments", "created_by_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporter_segments")),
        sa.UniqueConstraint("coalition_id", "name", name=op.f("uq_supporter_segments_coalition_id_name")),
    )
    op.create_index(
        op.f("ix_supporter_segments_coalition_id"), "supporter_segments", ["coalition_id"], unique=False
    )
    # A new index only: people itself is not altered (on SQLite a batch would copy it and drop the old
    # one, and the drop would cascade to every row that refers to a person).
    op.create_index("ix_people_tree_joined", "people", ["tree_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_people_tree_joined", table_name="people")
    op.drop_index(op.f("ix_supporter_segments_coalition_id"), table_name="supporter_segments")
    op.drop_table("supporter_segments")
    op.drop_index(op.f("ix_person_notes_person_id"), table_name="person_notes")
    op.drop_table("person_notes")
    op.drop_index(op.f("ix_person_tags_person_id"), table_name="person_tags")
    op.drop_table("person_tags")
    op.drop_index(op.f("ix_tags_coalition_id"), table_name="tags")
    op.drop_table("tags")
