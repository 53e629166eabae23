"""Accounts: passwords, sign-in, invitations to a role and password resets."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.core import mail
from organiser.core.models import (
    PLATFORM_SCOPE,
    AccountToken,
    Role,
    RoleGrant,
    TokenPurpose,
    User,
    normalise_email,
)
from organiser.db import as_utc, db, utcnow
from organiser.web.urls import external_url

log = logging.getLogger(__name__)
# Argon2id with RFC 9106's low-memory profile (argon2-cffi's default). The test suite sets the app's
# PASSWORD_HASH_PROFILE to "cheapest" in its config (never from the environment): the same code,
# with hashes that take microseconds instead of a fifth of a second each.
HASH_PROFILES = {"default": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


@functools.cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(HASH_PROFILES[profile])


def hasher() -> PasswordHasher:
    from flask import current_app

    return _hasher_for(current_app.config.get("PASSWORD_HASH_PROFILE", "default"))


@functools.cache
def _dummy_hash_of(passwords: PasswordHasher) -> str:
    """Verified against when the e-mail is unknown, so a wrong address costs as long as a wrong
    password."""
    return passwords.hash(secrets.token_urlsafe(16))


INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
MIN_PASSWORD_LENGTH = 10


def in_locale(locale: str | None) -> AbstractContextManager[None]:
    """Mail in the recipient's own language when we know it, else in the current one."""
    return force_locale(locale) if locale else nullcontext()


def set_password(user: User, password: str) -> None:
    user.password_hash = hasher().hash(password)
    user.auth_version = (user.auth_version or 1) + 1


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = User.by_email(email)
    passwords = hasher()
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash_of(passwords)
    try:
        passwords.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash or not user.active:
        return None
    if passwords.check_needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    user.last_sign_in_at = utcnow()
    return user


def create_user(email: str, *, name: str = "", password: str | None = None) -> User:
    user = User(email=normalise_email(email), name=name.strip())
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(
    user: User, role: Role, scope_id: int = PLATFORM_SCOPE, *, by: User | None = None
) -> RoleGrant:
    """Give ``user`` the role in the scope (idempotent)."""
    for existing in user.grants:
        if existing.role == role and existing.scope_id == scope_id:
            return existing
    grant = RoleGrant(role=role, scope_id=scope_id, granted_by_id=by.id if by else None)
    user.grants.append(grant)
    db.session.flush()
    log.info("role %s:%s granted to user %s by %s", role, scope_id, user.id, by.id if by else "system")
    return grant


def holders_of(role: Role, scope_id: int) -> list[User]:
    """The users who hold ``role`` in this scope, by name."""
    query = (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role, RoleGrant.scope_id == scope_id)
        .order_by(User.name, User.email)
    )
    return list(db.session.scalars(query))


def revoke_role(grant: RoleGrant, *, by: User) -> None:
    log.info("role %s:%s revoked from user %s by %s", grant.role, grant.scope_id, grant.user_id, by.id)
    db.session.delete(grant)
    db.session.flush()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_token(purpose: TokenPurpose, email: str, lifetime: timedelta, **fields: object) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            purpose=purpose,
            token_hash=_hash_token(token),
            email=normalise_email(email),
            expires_at=utcnow() + lifetime,
            **fields,
        )
    )
    db.session.flush()
    return token


def find_token(token: str, purpose: TokenPurpose) -> AccountToken | None:
    """The unused, unexpired token of this purpose, or None."""
    row = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _hash_token(token), AccountToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    return row


def invite(email: str, role: Role, scope_id: int, *, by: User, scope_name: str) -> AccountToken:
    """E-mail an invitation to take ``role`` in the scope; the link lets the invitee set a password."""
    email = normalise_email(email)
    token = _issue_token(
        TokenPurpose.INVITATION, email, INVITATION_LIFETIME, role=role, scope_id=scope_id, created_by_id=by.id
    )
    link = external_url("core.accept_invitation", token=token)
    existing = User.by_email(email)
    with in_locale(existing.locale if existing else None):
        context = {
            "link": link,
            "inviter": by,
            "role_label": role_label(role),
            "scope_name": scope_name,
            "days": INVITATION_LIFETIME.days,
        }
        mail.send(
            to=email,
            subject=_("You are invited to %(scope)s on Organiser", scope=scope_name),
            text=render_template("core/email/invitation.txt", **context),
        )
    log.info("user %s invited %s as %s:%s", by.id, email, role, scope_id)
    return db.session.scalar(select(AccountToken).where(AccountToken.token_hash == _hash_token(token)))


def accept_invitation(row: AccountToken, *, name: str | None, password: str | None) -> User:
    """Create or update the invitee's account, give the role and use up the token."""
    user = User.by_email(row.email) or create_user(row.email)
    if name:
        user.name = name.strip()
    if password:
        set_password(user, password)
    grant_role(user, Role(row.role), row.scope_id or PLATFORM_SCOPE, by=row.created_by)
    row.used_at = utcnow()
    row.user_id = user.id
    db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if an active account has this address; say nothing either way."""
    user = User.by_email(email)
    if user is None or not user.active:
        log.info("password reset asked for an unknown address")
        return
    token = _issue_token(TokenPurpose.PASSWORD_RESET, user.email, RESET_LIFETIME, user_id=user.id)
    link = external_url("core.reset_password", token=token)
    with in_locale(user.locale):
        mail.send(
            to=user.email,
            subject=_("Reset your Organiser password"),
            text=render_template("core/email/password_reset.txt", link=link, user=user, minutes=60),
        )


def reset_password(row: AccountToken, password: str) -> User:
    user = db.session.get(User, row.user_id)
    assert user is not None
    set_password(user, password)
    row.used_at = utcnow()
    # Any other reset links still out are spent too.
    for other in db.session.scalars(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == TokenPurpose.PASSWORD_RESET,
            AccountToken.used_at.is_(None),
        )
    ):
        other.used_at = row.used_at
    db.session.flush()
    log.info("user %s reset their password", user.id)
    return user


def role_label(role: Role) -> str:
    from flask_babel import lazy_gettext

    labels = {
        Role.PLATFORM_ADMIN: lazy_gettext("platform administrator"),
        Role.COALITION_COORDINATOR: lazy_gettext("coalition coordinator"),
        Role.ORGANISATION_ADMIN: lazy_gettext("organisation administrator"),
        Role.ASSEMBLY_ORGANISER: lazy_gettext("assembly organiser"),
        Role.ASSEMBLY_PANEL: lazy_gettext("tribunal panel member"),
    }
    return str(labels[Role(role)])
