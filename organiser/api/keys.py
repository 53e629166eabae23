"""Creating, finding and revoking API keys (used by the keys' pages, the command line and the API)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from sqlalchemy import select

from organiser.api.models import ApiKey
from organiser.coalitions.models import Coalition, Organisation
from organiser.core.models import User
from organiser.db import as_utc, db, utcnow

log = logging.getLogger(__name__)

KEY_PREFIX = "osk_"  # "Organiser secret key": recognisable in a leaked file or a secret scanner
SHOWN_PREFIX = 12  # characters of a key kept (and shown) to recognise it
LAST_USED_EVERY = timedelta(minutes=1)  # a key's last use is written at most this often


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(owner: Coalition | Organisation, name: str, *, by: User | None = None) -> tuple[ApiKey, str]:
    """A new key of ``owner``; the key itself is returned once here, and only its hash is kept."""
    token = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name.strip(), prefix=token[:SHOWN_PREFIX], token_hash=hash_key(token), created_by=by)
    if isinstance(owner, Coalition):
        key.coalition = owner
    else:
        key.organisation = owner
    db.session.add(key)
    db.session.flush()
    log.info(
        "API key %s (%s) created for %s %s by %s",
        key.id,
        key.prefix,
        type(owner).__name__,
        owner.id,
        by.id if by else "the command line",
    )
    return key, token


def revoke_key(key: ApiKey, *, by: User | None = None) -> None:
    """The key stops working at once (it stays listed, marked revoked)."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        key.revoked_by_id = by.id if by else None
        db.session.flush()
        log.info("API key %s revoked by %s", key.id, by.id if by else "the command line")


def keys_of(owner: Coalition | Organisation) -> list[ApiKey]:
    column = ApiKey.coalition_id if isinstance(owner, Coalition) else ApiKey.organisation_id
    return list(db.session.scalars(select(ApiKey).where(column == owner.id).order_by(ApiKey.id.desc())))


def key_of(owner: Coalition | Organisation, key_id: int) -> ApiKey | None:
    key = db.session.get(ApiKey, key_id)
    if key is None or key.owner is not owner:
        return None
    return key


def key_for_token(token: str) -> ApiKey | None:
    """The active key this token is, or None (unknown or revoked)."""
    if not token.startswith(KEY_PREFIX) or len(token) > 200:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.token_hash == hash_key(token)))
    if key is None or key.revoked_at is not None:
        return None
    return key


def note_use(key: ApiKey) -> bool:
    """Record that the key was used now (at most once a minute); True if it needs committing."""
    now = utcnow()
    last = as_utc(key.last_used_at)
    if last is not None and now - last < LAST_USED_EVERY:
        return False
    key.last_used_at = now
    return True
