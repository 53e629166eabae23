"""Alembic is the schema's source of truth: the migrated database must match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from organiser.db import db
from organiser.migrate import include_name
from organiser.models import metadata

# The full-text indexes (migration 0027) are on expressions the models do not declare: left out here,
# checked in tests/hub/test_search.py (the search queries use them).
OPTIONS = {"compare_type": True, "include_name": include_name}


def test_models_and_migrations_agree(app):
    with app.app_context():
        conn = db.session.connection()
        context = MigrationContext.configure(conn, opts=OPTIONS)
        assert compare_metadata(context, metadata) == []


def test_migrations_run_down_and_up_again_and_still_match_the_models(app, postgres, tmp_path):
    """On a database of its own (of the same kind): up to head, down to nothing, up again, and the
    schema then is exactly what the models say."""
    from alembic import command

    from organiser import create_app
    from organiser.migrate import alembic_config, upgrade
    from tests.conftest import _database_url

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = _database_url(postgres, "organiser_migrations")
    else:
        url = f"sqlite:///{tmp_path / 'm.db'}"
    other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with other.app_context():
            upgrade(other)
            command.downgrade(alembic_config(other), "base")
            with db.engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) <= {"alembic_version"}, "down to nothing"
            upgrade(other)
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts=OPTIONS)
                assert compare_metadata(context, metadata) == []
    finally:
        other.extensions["organiser.engine"].dispose()


def test_letter_responses_move_into_the_one_response_table_and_back(app, postgres, tmp_path):
    """0016: a response recorded for a letter campaign before it keeps its text, target and date."""
    from alembic import command
    from sqlalchemy import text

    from organiser import create_app
    from organiser.migrate import alembic_config, upgrade
    from tests.conftest import _database_url

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = _database_url(postgres, "organiser_migration_0016")
    else:
        url = f"sqlite:///{tmp_path / 'm16.db'}"
    other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    rows = [
        "INSERT INTO coalitions (id, name, slug, languages, description, principles, sensitive, created_at) "
        "VALUES (1, 'SIA', 'sia', '[]', '', '[]', false, '2026-01-01')",
        "INSERT INTO targets (id, coalition_id, name, role, body, region, email, created_at) "
        "VALUES (1, 1, 'Rachel Reeves', '', '', '', 'rr@example.org', '2026-01-01')",
        "INSERT INTO letter_campaigns (id, coalition_id, title, slug, intro, subject, body, target_mode, "
        "letter_count, status, created_at) "
        "VALUES (1, 1, 'T', 't', 'i', 's', 'b', 'fixed', 0, 'open', '2026-01-01')",
        "INSERT INTO letter_responses (campaign_id, target_id, text, responded_on, recorded_at) "
        "VALUES (1, 1, 'We will look at it.', '2026-02-03', '2026-02-04')",
    ]
    try:
        with other.app_context():
            upgrade(other, "0015")
            with db.engine.begin() as conn:
                for row in rows:
                    conn.execute(text(row))
            upgrade(other)
            with db.engine.connect() as conn:
                moved = conn.execute(
                    text("SELECT petition_id, campaign_id, target_id, text FROM target_responses")
                ).all()
            assert [tuple(r) for r in moved] == [(None, 1, 1, "We will look at it.")]
            command.downgrade(alembic_config(other), "0015")
            with db.engine.connect() as conn:
                back = conn.execute(text("SELECT campaign_id, target_id, text FROM letter_responses")).all()
                left = conn.execute(text("SELECT count(*) FROM target_responses")).scalar()
            assert [tuple(r) for r in back] == [(1, 1, "We will look at it.")] and left == 0
    finally:
        other.extensions["organiser.engine"].dispose()


def test_a_campaigns_suggested_letter_becomes_its_first_version_and_back(app, postgres, tmp_path):
    """0026: each campaign's subject and body become its first version, its letters are linked to it,
    and nothing of a letter or a campaign is lost on the way (nor on the way back down)."""
    from alembic import command
    from sqlalchemy import text

    from organiser import create_app
    from organiser.migrate import alembic_config, upgrade
    from tests.conftest import _database_url

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = _database_url(postgres, "organiser_migration_0026")
    else:
        url = f"sqlite:///{tmp_path / 'm26.db'}"
    other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    rows = [
        "INSERT INTO coalitions (id, name, slug, languages, description, principles, sensitive, created_at) "
        "VALUES (1, 'SIA', 'sia', '[]', '', '[]', false, '2026-01-01')",
        "INSERT INTO letter_campaigns (id, coalition_id, title, slug, intro, subject, body, target_mode, "
        "letter_count, status, created_at) "
        "VALUES (1, 1, 'T', 't', 'i', 'Please act', 'Our clinic has no medicines.', 'fixed', 1, 'open', "
        "'2026-01-01')",
        "INSERT INTO letters (id, campaign_id, name, region, subject, body, consent_coalition, ip, "
        "email_domain, status, confirmation_sends, created_at) "
        "VALUES (1, 1, 'Grace', 'Leeds', 'Please act', 'Our clinic has no medicines.', false, '', '', "
        "'sent', 1, '2026-01-02')",
    ]
    try:
        with other.app_context():
            upgrade(other, "0025")
            with db.engine.begin() as conn:
                for row in rows:
                    conn.execute(text(row))
            upgrade(other)
            with db.engine.connect() as conn:
                versions = conn.execute(
                    text("SELECT id, campaign_id, position, subject, body, archived_at FROM letter_versions")
                ).all()
                letter = conn.execute(
                    text("SELECT version_id, source, consent_sponsor, body FROM letters")
                ).one()
                campaign = conn.execute(
                    text("SELECT writers_may_edit, closes_at FROM letter_campaigns")
                ).one()
            [(version_id, *version)] = [tuple(v) for v in versions]
            assert version == [1, 1, "Please act", "Our clinic has no medicines.", None]
            assert tuple(letter) == (version_id, "", False, "Our clinic has no medicines.")
            assert tuple(campaign) == (True, None)
            command.downgrade(alembic_config(other), "0025")
            with db.engine.connect() as conn:
                back = conn.execute(text("SELECT subject, body FROM letter_campaigns")).one()
                kept = conn.execute(text("SELECT count(*) FROM letters")).scalar()
            assert tuple(back) == ("Please act", "Our clinic has no medicines.") and kept == 1
    finally:
        other.extensions["organiser.engine"].dispose()
