"""Settings read from the environment, with an embedded default that needs none.

With no DATABASE_URL the app runs *embedded*: SQLite in ``instance/``, jobs run in-process
and mail is kept in a local outbox shown at ``/dev/mail``. Anything else is a deployment and
must be given a real SECRET_KEY and an SMTP server (MAIL_SERVER); so must the demo when it is
served to other computers (``organiser demo --host``). The development key serves this computer
only (``organiser.deployment``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "organiser-development-key-do-not-use-in-production"  # noqa: S105
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
# Big webmail providers: many real signers share these domains, so the per-domain signing limit
# never applies to them (the per-IP limit still does). ORGANISER_SIGN_WEBMAIL_DOMAINS replaces it.
WEBMAIL_DOMAINS = (
    "gmail.com googlemail.com outlook.com hotmail.com hotmail.co.uk hotmail.fr hotmail.es live.com "
    "live.co.uk msn.com yahoo.com yahoo.co.uk yahoo.fr yahoo.es yahoo.com.mx ymail.com icloud.com "
    "me.com mac.com aol.com protonmail.com proton.me gmx.com gmx.de gmx.net web.de mail.com "
    "btinternet.com sky.com virginmedia.com talktalk.net yandex.ru mail.ru qq.com 163.com "
    "outlook.es prodigy.net.mx"
)


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says how to fix it."""


def normalise_database_url(url: str) -> str:
    """Map the URL forms hosting platforms hand out onto SQLAlchemy's psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """What the app factory needs, as Flask config keys."""

    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        base_url = env.get("ORGANISER_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        values: dict[str, Any] = {
            **_database_and_runtime(env),
            **_mail(env),
            **_limits(env),
            **_privacy(env),
            **_web(env, base_url),
        }
        values.update(_webhooks(env, embedded=values["EMBEDDED"]))
        return cls(values)

    def validate(self) -> None:
        """Refuse to start a deployment that lacks what production needs (see ``check_production``)."""
        check_production(self.values, public_host=False)


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number from the environment; unset or empty means the default."""
    return int(env.get(name, str(default)) or default)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    return float(env.get(name, str(default)) or default)


def _database_and_runtime(env: Mapping[str, str]) -> dict[str, Any]:
    """Where the data lives (embedded SQLite without DATABASE_URL), Redis, the secret key, and the
    background work's batch sizes and sweep."""
    instance = Path(env.get("ORGANISER_INSTANCE_PATH", str(DEFAULT_INSTANCE)))
    database_url = env.get("DATABASE_URL", "").strip()
    embedded = not database_url
    if embedded:
        database_url = f"sqlite:///{instance / 'organiser.db'}"
    return {
        "EMBEDDED": embedded,
        "SECRET_KEY": env.get("SECRET_KEY") or DEV_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "REDIS_URL": env.get("REDIS_URL", "").strip() or None,
        "INSTANCE_PATH": str(instance),
        "INTAKE_BATCH_SIZE": _int(env, "ORGANISER_INTAKE_BATCH_SIZE", 200),
        "SWEEP_INTERVAL": _float(env, "ORGANISER_SWEEP_INTERVAL", 30),
        # Seconds added to the clock that paces letters (the daily cap's days, the digest's hour):
        # 0 in production; tests and demos move that clock by configuration rather than sleep.
        "LETTERS_CLOCK_OFFSET": _float(env, "ORGANISER_LETTERS_CLOCK_OFFSET", 0),
        # A delivered letter's writer is asked this many days later whether they had a reply, and,
        # if they answer "not yet", reminded once this many days after that.
        "LETTER_FOLLOW_UP_DAYS": _int(env, "ORGANISER_LETTER_FOLLOW_UP_DAYS", 14),
        "LETTER_REMINDER_DAYS": _int(env, "ORGANISER_LETTER_REMINDER_DAYS", 14),
        # Supporters a petition started by a supporter needs before coordinators see it (the UK
        # Parliament's site asks for 5); each coalition may set its own.
        "COMMUNITY_SUPPORTERS": _int(env, "ORGANISER_COMMUNITY_SUPPORTERS", 5),
        "PASSWORD_HASH_PROFILE": "default",  # tests set "cheapest" in their config; never the environment
        "TESTING": False,
    }


def _mail(env: Mapping[str, str]) -> dict[str, Any]:
    """SMTP (without MAIL_SERVER, the local outbox), the outbox's pace, and the bounce webhook."""
    mail_server = env.get("MAIL_SERVER", "").strip()
    return {
        "MAIL_BACKEND": "smtp" if mail_server else "local",
        "MAIL_SERVER": mail_server or "localhost",
        "MAIL_PORT": _int(env, "MAIL_PORT", 25),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Organiser <no-reply@organiser.local>"),
        "MAIL_TIMEOUT": _float(env, "MAIL_TIMEOUT", 30),
        "MAIL_RATE_LIMIT": _float(env, "ORGANISER_MAIL_RATE", 0),
        "MAIL_PAUSE_ERROR_RATIO": _float(env, "ORGANISER_MAIL_PAUSE_ERROR_RATIO", 0.5),
        "OUTBOX_BATCH_SIZE": _int(env, "ORGANISER_OUTBOX_BATCH_SIZE", 1000),
        "OUTBOX_CLAIM_TIMEOUT": _float(env, "ORGANISER_OUTBOX_CLAIM_TIMEOUT", 300),
        "BOUNCE_WEBHOOK_SECRET": env.get("ORGANISER_BOUNCE_WEBHOOK_SECRET") or None,
    }


def _limits(env: Mapping[str, str]) -> dict[str, Any]:
    """Rate limits, the proxies trusted for the client's address, and the largest upload."""
    webmail = env.get("ORGANISER_SIGN_WEBMAIL_DOMAINS", WEBMAIL_DOMAINS)
    return {
        "TRUSTED_PROXIES": _int(env, "ORGANISER_TRUSTED_PROXIES", 0),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://",
        "LOGIN_RATE_LIMIT": env.get("ORGANISER_LOGIN_RATE_LIMIT", "5 per minute;20 per hour"),
        # Signing: over these, per petition, a signature is kept but silently marked, never
        # e-mailed nor counted. Coarse per-IP limit over all petitions: a 429 page.
        "SIGN_IP_LIMIT": env.get("ORGANISER_SIGN_IP_LIMIT", "10 per minute;100 per hour"),
        "SIGN_DOMAIN_LIMIT": env.get("ORGANISER_SIGN_DOMAIN_LIMIT", "20 per minute;300 per hour"),
        "SIGN_WEBMAIL_DOMAINS": frozenset(webmail.replace(",", " ").lower().split()),
        "SIGN_RATE_LIMIT": env.get("ORGANISER_SIGN_RATE_LIMIT", "20 per minute;200 per hour"),
        # Uploads (CSV imports, logos) are small; anything larger is refused with a clear page.
        "MAX_CONTENT_LENGTH": int(env.get("ORGANISER_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))),
    }


def _privacy(env: Mapping[str, str]) -> dict[str, Any]:
    """How long the own-data link works, how long IP addresses are kept for anti-abuse, and the salt
    for the hashed addresses of erased people (set it in production and never change it, or erased
    addresses stop being recognised)."""
    return {
        "DATA_LINK_HOURS": _int(env, "ORGANISER_DATA_LINK_HOURS", 24),
        "IP_RETENTION_DAYS": _int(env, "ORGANISER_IP_RETENTION_DAYS", 30),
        "PRIVACY_HASH_SALT": env.get("ORGANISER_PRIVACY_HASH_SALT") or None,
    }


def _webhooks(env: Mapping[str, str], *, embedded: bool) -> dict[str, Any]:
    """Webhooks (organiser.api.webhooks): whether they may point at loopback, private or link-local
    addresses, or use plain http (development and tests only: on by default when embedded), and how
    old a confirmed row must be before the sweep reads it (so a late commit is not stepped over)."""
    return {
        "WEBHOOKS_ALLOW_PRIVATE": _flag(env.get("ORGANISER_WEBHOOKS_ALLOW_PRIVATE"), default=embedded),
        "WEBHOOKS_SETTLE_SECONDS": _float(env, "ORGANISER_WEBHOOKS_SETTLE_SECONDS", 15),
    }


def _web(env: Mapping[str, str], base_url: str) -> dict[str, Any]:
    """The public address, cookies, caching of public pages, framing of the embed, and languages."""
    secure = base_url.startswith("https://")
    return {
        "BASE_URL": base_url,
        # How long shared caches may keep a public petition page and its count.json.
        "PUBLIC_CACHE_SECONDS": _int(env, "ORGANISER_PUBLIC_CACHE_SECONDS", 5),
        # Each web process keeps anonymous petition pages and count.json this long (set but empty: off).
        "PUBLIC_MICROCACHE_SECONDS": float(env.get("ORGANISER_PUBLIC_MICROCACHE_SECONDS", "1") or 0),
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # Who may frame the petition embed widget (CSP frame-ancestors): any site, unless narrowed.
        "EMBED_FRAME_ANCESTORS": env.get("ORGANISER_EMBED_FRAME_ANCESTORS", "*").strip() or "*",
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ["en", "es"],
    }


def check_production(values: Mapping[str, Any], *, public_host: bool) -> None:
    """In production — DATABASE_URL set, or the demo served to other computers (``public_host``) —
    refuse the development secret key and the local outbox (which keeps every message, password
    resets included, in the database instead of sending it). Test configurations are exempt."""
    if values.get("TESTING") or (values["EMBEDDED"] and not public_host):
        return
    where = "other computers can reach this address" if public_host else "DATABASE_URL is set"
    problems = []
    if values["SECRET_KEY"] == DEV_SECRET_KEY:
        problems.append(
            "SECRET_KEY is not set. Organiser refuses to run with the development key "
            f"outside the embedded default ({where}). Generate one with\n"
            "  python -c 'import secrets; print(secrets.token_urlsafe(48))'\n"
            "and export it as SECRET_KEY."
        )
    if values["MAIL_BACKEND"] == "local":
        problems.append(
            f"MAIL_SERVER is not set. In production ({where}) Organiser sends its e-mail "
            "(confirmations, password resets, mailings) through an SMTP server and refuses to keep "
            "it in the local outbox. Set MAIL_SERVER, and MAIL_PORT, MAIL_USE_TLS or MAIL_USE_SSL, "
            "MAIL_USERNAME, MAIL_PASSWORD and MAIL_DEFAULT_SENDER as your mail provider says."
        )
    if problems:
        raise ConfigError("\n".join(problems))
