"""the coordinators' desk: indexes for its counts per day (PostgreSQL)

Each desk figure is one aggregate query over a range of times (``GROUP BY`` the day). These indexes
let PostgreSQL answer them from the index alone (an index-only scan of the period's entries, the
columns it groups by and joins on carried in ``INCLUDE``), whatever the size of the table: partial,
with the same ``WHERE`` as the figures modules' queries (their ``IN`` lists are written into the
SQL, ``organiser.web.tallies.one_of``), so they hold only what counts.

PostgreSQL only (``INCLUDE`` and these plans are PostgreSQL's; SQLite, the embedded default, holds a
demo's worth of rows). The models do not declare them: ``organiser.migrate.include_name`` leaves
indexes named ``*_desk`` out of the comparison of models and migrations, and tests/desk/test_plans.py
checks that the desk's queries use them. ``IF NOT EXISTS``: on a large live database they can be
made beforehand with ``CREATE INDEX CONCURRENTLY`` (the statements below), so this step only records
them. Registrations need none: ``ix_assembly_registrations_waitlist`` (assembly, status,
confirmed_at) serves their counts.

Revision ID: 0030
Revises: 0031
Create Date: 2026-12-02 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0030"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    # Confirmed signatures per petition and day, their sources, and who signed (new supporters).
    "ix_signatures_confirmed_desk": (
        "signatures (petition_id, confirmed_at) INCLUDE (person_id, sponsor_organisation_id, source) "
        "WHERE state IN ('confirmed', 'counted')"
    ),
    # Confirmed letters per campaign and day, and who wrote them.
    "ix_letters_confirmed_desk": (
        "letters (campaign_id, confirmed_at) INCLUDE (person_id) "
        "WHERE status IN ('queued', 'sent', 'failed', 'confirmed')"
    ),
    # New people per day in a tree: ix_people_tree_joined (0031, the supporters list) serves it.
    # Messages a mailing sent, per day.
    "ix_outbox_messages_sent_desk": "outbox_messages (mailing_id, sent_at) WHERE status = 'sent'",
    # Withdrawn consents to a coalition (or organisation) in a window: a mailing's unsubscribes.
    "ix_consent_events_withdrawn_desk": (
        "consent_events (subject_type, subject_id, created_at) WHERE NOT given"
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, definition in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
