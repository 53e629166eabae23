"""Configuration from the environment, and the refusal to run a deployment with the development key."""

from __future__ import annotations

import pytest

from organiser import create_app
from organiser.config import DEV_SECRET_KEY, ConfigError, Settings, normalise_database_url


def test_embedded_default_needs_no_configuration(tmp_path):
    settings = Settings.from_env({"ORGANISER_INSTANCE_PATH": str(tmp_path)})
    v = settings.values
    assert v["EMBEDDED"] is True
    assert v["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'organiser.db'}"
    assert v["REDIS_URL"] is None and v["MAIL_BACKEND"] == "local"
    settings.validate()  # the development key is fine here


def test_a_deployment_refuses_the_development_secret_key():
    settings = Settings.from_env({"DATABASE_URL": "postgres://u:p@db.example/organiser"})
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        settings.validate()


def test_create_app_refuses_too(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@127.0.0.1/organiser")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()


@pytest.mark.parametrize(
    "given",
    ["postgres://u:p@h:5432/d", "postgresql://u:p@h:5432/d", "postgresql+psycopg2://u:p@h:5432/d"],
)
def test_hosting_platform_urls_map_to_psycopg3(given):
    assert normalise_database_url(given) == "postgresql+psycopg://u:p@h:5432/d"


def test_mail_and_redis_settings_are_read(tmp_path):
    v = Settings.from_env(
        {
            "DATABASE_URL": "postgres://h/d",
            "SECRET_KEY": "s" * 40,
            "REDIS_URL": "redis://r:6379/1",
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_PORT": "587",
            "MAIL_USE_TLS": "true",
            "MAIL_USERNAME": "u",
            "MAIL_PASSWORD": "p",
            "MAIL_DEFAULT_SENDER": "SIA <no-reply@example.org>",
            "ORGANISER_BASE_URL": "https://organiser.example.org/",
        }
    ).values
    assert v["MAIL_BACKEND"] == "smtp" and v["MAIL_PORT"] == 587 and v["MAIL_USE_TLS"] is True
    assert v["REDIS_URL"] == "redis://r:6379/1" and v["RATELIMIT_STORAGE_URI"] == "redis://r:6379/1"
    assert v["BASE_URL"] == "https://organiser.example.org"
    assert v["SESSION_COOKIE_SECURE"] is True
    assert v["SECRET_KEY"] != DEV_SECRET_KEY
