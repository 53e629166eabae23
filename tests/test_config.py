"""Configuration from the environment; what a deployment must set and the app refuses without it; the
development key kept to this computer; the demo's own key and address."""

from __future__ import annotations

import socket
import stat

import pytest

from organiser import create_app
from organiser.config import DEV_SECRET_KEY, ConfigError, Settings, normalise_database_url
from organiser.deployment import configure_demo, demo_base_url, instance_secret_key
from organiser.web.urls import external_url


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


# ---- production needs real mail ------------------------------------------------------------------


def test_a_deployment_refuses_the_local_outbox():
    settings = Settings.from_env(
        {"DATABASE_URL": "postgres://u:p@db.example/organiser", "SECRET_KEY": "s" * 40}
    )
    with pytest.raises(ConfigError, match="MAIL_SERVER is not set") as refused:
        settings.validate()
    assert "SECRET_KEY" not in str(refused.value)


def test_a_deployment_missing_both_is_told_both():
    settings = Settings.from_env({"DATABASE_URL": "postgres://u:p@db.example/organiser"})
    with pytest.raises(ConfigError, match="SECRET_KEY is not set(.|\n)*MAIL_SERVER is not set"):
        settings.validate()


def test_create_app_refuses_a_database_url_without_mail(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@127.0.0.1/organiser")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    with pytest.raises(ConfigError, match="MAIL_SERVER is not set"):
        create_app()


def test_test_configurations_and_the_embedded_default_keep_the_local_outbox(tmp_path):
    testing = Settings.from_env({"DATABASE_URL": "postgres://h/d", "SECRET_KEY": "s" * 40})
    testing.values["TESTING"] = True
    testing.validate()
    Settings.from_env({"ORGANISER_INSTANCE_PATH": str(tmp_path)}).validate()


# ---- the development key serves this computer only -------------------------------------------------


def _embedded_app(tmp_path, monkeypatch, **config):
    for name in ("DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "SECRET_KEY", "ORGANISER_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ORGANISER_INSTANCE_PATH", str(tmp_path))
    return create_app({"RATELIMIT_STORAGE_URI": "memory://", **config})


def test_the_development_key_refuses_other_computers(tmp_path, monkeypatch):
    app = _embedded_app(tmp_path, monkeypatch)
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY
    client = app.test_client()
    refused = client.get("/account/sign-in", environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "answers only on the computer it runs on" in page and "organiser demo --host 0.0.0.0" in page
    assert "Set-Cookie" not in refused.headers and refused.headers["Cache-Control"] == "no-store"
    # A proxy on this computer passing on someone else's request is not this computer either.
    proxied = client.get("/account/sign-in", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 403
    for here in ("127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"):
        assert client.get("/account/sign-in", environ_base={"REMOTE_ADDR": here}).status_code == 200, here


def test_the_refusal_speaks_the_readers_language(tmp_path, monkeypatch):
    app = _embedded_app(tmp_path, monkeypatch)
    refused = app.test_client().get(
        "/", environ_base={"REMOTE_ADDR": "10.0.0.5"}, headers={"Accept-Language": "es"}
    )
    assert refused.status_code == 403 and 'lang="es"' in refused.get_data(as_text=True)


def test_a_real_key_serves_everyone(tmp_path, monkeypatch):
    app = _embedded_app(tmp_path, monkeypatch, SECRET_KEY="k" * 40)
    response = app.test_client().get("/account/sign-in", environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert response.status_code == 200


# ---- the demo on an address others can reach -------------------------------------------------------


def test_the_key_file_is_made_once_owner_only_and_reused(tmp_path):
    key, path, created = instance_secret_key(tmp_path)
    assert created and path == tmp_path / "secret_key" and len(key) >= 60
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, _path, created_again = instance_secret_key(tmp_path)
    assert again == key and not created_again


def test_the_open_demo_keeps_its_key_in_the_instance_folder(tmp_path, monkeypatch):
    app = _embedded_app(tmp_path, monkeypatch, MAIL_BACKEND="smtp", MAIL_SERVER="smtp.example.org")
    said = configure_demo(app, "0.0.0.0", 5101)  # noqa: S104
    key = (tmp_path / "secret_key").read_text().strip()
    assert app.config["SECRET_KEY"] == key != DEV_SECRET_KEY
    assert any(f"a new random key, written to {tmp_path / 'secret_key'}" in line for line in said)
    assert (
        app.test_client().get("/account/sign-in", environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code == 200
    )
    restarted = _embedded_app(tmp_path, monkeypatch, MAIL_BACKEND="smtp", MAIL_SERVER="smtp.example.org")
    said = configure_demo(restarted, "0.0.0.0", 5101)  # noqa: S104
    assert restarted.config["SECRET_KEY"] == key and any("the one kept in" in line for line in said)


def test_a_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    app = _embedded_app(tmp_path, monkeypatch, SECRET_KEY="e" * 40, MAIL_BACKEND="smtp")
    said = configure_demo(app, "0.0.0.0", 5101)  # noqa: S104
    assert app.config["SECRET_KEY"] == "e" * 40 and not (tmp_path / "secret_key").exists()
    assert "Secret key: SECRET_KEY, from the environment." in said


def test_the_open_demo_refuses_the_local_outbox_and_writes_nothing(tmp_path, monkeypatch):
    app = _embedded_app(tmp_path, monkeypatch)
    with pytest.raises(ConfigError, match="MAIL_SERVER is not set") as refused:
        configure_demo(app, "192.0.2.10", 5101)
    assert "other computers can reach this address" in str(refused.value)
    assert "SECRET_KEY" not in str(refused.value) and not (tmp_path / "secret_key").exists()


def test_the_demo_on_this_computer_keeps_the_development_key_and_the_outbox(tmp_path, monkeypatch):
    app = _embedded_app(tmp_path, monkeypatch)
    said = configure_demo(app, "127.0.0.1", 5101)
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY and not (tmp_path / "secret_key").exists()
    assert any("Only this computer can open it" in line for line in said)


# ---- the demo's links point where it serves ------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:5101"),
        ("localhost", "http://localhost:5101"),
        ("192.0.2.10", "http://192.0.2.10:5101"),
        ("::1", "http://[::1]:5101"),
        ("0.0.0.0", f"http://{socket.gethostname()}:5101"),  # noqa: S104
        ("::", f"http://{socket.gethostname()}:5101"),
    ],
)
def test_the_demo_links_use_its_host_and_port(host, expected):
    assert demo_base_url(host, 5101) == expected


def test_the_demo_port_reaches_every_external_link(tmp_path, monkeypatch):
    app = _embedded_app(tmp_path, monkeypatch)
    configure_demo(app, "127.0.0.1", 5101)
    assert app.config["BASE_URL"] == "http://127.0.0.1:5101" and app.config["SESSION_COOKIE_SECURE"] is False
    with app.app_context():
        assert external_url("coalitions.index") == "http://127.0.0.1:5101/"


def test_organiser_base_url_wins_over_the_demo_address(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGANISER_BASE_URL", "https://demo.example.org")
    app = create_app({"RATELIMIT_STORAGE_URI": "memory://", "INSTANCE_PATH": str(tmp_path)})
    configure_demo(app, "127.0.0.1", 5101)
    assert app.config["BASE_URL"] == "https://demo.example.org" and app.config["SESSION_COOKIE_SECURE"]
