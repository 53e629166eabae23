"""Home page, health check, signing in and out, password resets, invitations, administration."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select, text
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from organiser.core import services
from organiser.core.forms import (
    AcceptInvitationForm,
    AdminInviteForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
)
from organiser.core.models import PLATFORM_SCOPE, Role, TokenPurpose, User
from organiser.core.scopes import load_scope, scope_kind
from organiser.db import db
from organiser.extensions import limiter
from organiser.jobs import redis_connection
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import platform_admin_required

bp = Blueprint("core", __name__)
log = logging.getLogger(__name__)


def _sign_in_key() -> str:
    """Failed sign-ins are counted per address as well as per IP, so one account cannot be guessed at."""
    return "sign-in:" + (request.form.get("email") or "").strip().lower()


def _failed(response: Response) -> bool:
    return request.method == "POST" and response.status_code != 302


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """Whether the database and Redis answer; 503 when one that is configured does not."""
    report: dict[str, Any] = {"database": "ok", "redis": "not configured (jobs run in-process)"}
    healthy = True
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to answer is what this endpoint reports
        report["database"], healthy = f"error: {exc.__class__.__name__}", False
    conn = redis_connection()
    if conn is not None:
        try:
            conn.ping()
            report["redis"] = "ok"
        except Exception as exc:
            report["redis"], healthy = f"error: {exc.__class__.__name__}", False
    report["status"] = "ok" if healthy else "error"
    return report, 200 if healthy else 503


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would make our sign-in page a phishing tool."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target.replace("\\", "/"))  # browsers read a backslash as a slash
        if not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target):
            return target
    return url_for("core.account")


@bp.route("/account/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, error_message="sign-in")
@limiter.limit(
    _login_limit, key_func=_sign_in_key, methods=["POST"], deduct_when=_failed, error_message="sign-in"
)
def sign_in() -> str | Response:
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            log.info("user %s signed in", user.id)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("The e-mail address or password is wrong"))
    return render_template("core/sign_in.html", form=form)


@bp.post("/account/sign-out")
@login_required
def sign_out() -> Response:
    """Sign out (a POST, so a link on another site cannot sign you out)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You are signed out."), "success")
    return redirect(url_for("coalitions.index"))


@bp.route("/account/forgot-password", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"], error_message="forgot-password")
def forgot_password() -> str:
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("core/reset_sent.html", email=form.email.data)
    return render_template("core/forgot_password.html", form=form)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    """Choose a new password through the e-mailed link (one use, one hour)."""
    row = services.find_token(token, TokenPurpose.PASSWORD_RESET)
    if row is None:
        return render_template("core/link_expired.html", again=url_for("core.forgot_password")), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(row, form.password.data)
        db.session.commit()
        flash(_("Your password is changed. Sign in with it now."), "success")
        return redirect(url_for("core.sign_in"))
    return render_template("core/reset_password.html", form=form)


@bp.route("/account/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> str | Response:
    """Accept an invitation to a role: a new account sets its name and password here."""
    row = services.find_token(token, TokenPurpose.INVITATION)
    if row is None:
        return render_template("core/link_expired.html", again=None), 410
    existing = User.by_email(row.email)
    has_password = existing is not None and existing.password_hash is not None
    form = ConfirmForm() if has_password else AcceptInvitationForm()
    if form.validate_on_submit():
        user = services.accept_invitation(
            row,
            name=getattr(form, "name", None) and form.name.data,
            password=getattr(form, "password", None) and form.password.data,
        )
        db.session.commit()
        if current_user.is_authenticated and current_user.id != user.id:
            logout_user()
        flash(
            _(
                "Welcome. You are now %(role)s for %(scope)s. Sign in to start.",
                role=services.role_label(Role(row.role)),
                scope=_scope_name(row.role, row.scope_id),
            ),
            "success",
        )
        return redirect(url_for("core.sign_in"))
    return render_template(
        "core/accept_invitation.html",
        form=form,
        invitation=row,
        has_password=has_password,
        role_label=services.role_label(Role(row.role)),
        scope_name=_scope_name(row.role, row.scope_id),
    )


@bp.get("/account")
@login_required
def account() -> str:
    """The signed-in user's roles, with links to what each lets them manage."""
    grants = [
        (g, services.role_label(Role(g.role)), _scope_object(g.role, g.scope_id)) for g in current_user.grants
    ]
    return render_template("core/account.html", grants=grants)


@bp.route("/admin", methods=["GET", "POST"])
@platform_admin_required
def admin() -> str | Response:
    """Platform administration: every account and its roles; invite anyone to any role."""
    form = AdminInviteForm()
    form.grant.choices = _grant_choices()
    if form.validate_on_submit():
        role_value, _sep, scope_value = form.grant.data.partition(":")
        role, scope_id = Role(role_value), int(scope_value or PLATFORM_SCOPE)
        services.invite(
            form.email.data, role, scope_id, by=current_user, scope_name=_scope_name(role, scope_id)
        )
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("core.admin"))
    users = db.session.scalars(select(User).order_by(User.email)).all()
    rows = [
        (u, [(services.role_label(Role(g.role)), _scope_name(g.role, g.scope_id)) for g in u.grants])
        for u in users
    ]
    return render_template("core/admin.html", form=form, users=rows)


def _grant_choices() -> list[SelectChoice]:
    choices = [
        SelectChoice("", _("Choose a role")),
        SelectChoice(f"{Role.PLATFORM_ADMIN}:0", _("Platform administrator")),
    ]
    for role in (
        Role.COALITION_COORDINATOR,
        Role.ORGANISATION_ADMIN,
        Role.ASSEMBLY_ORGANISER,
        Role.ASSEMBLY_PANEL,
    ):
        kind = scope_kind(role.scope)
        if kind is None:
            continue
        for scope_id, name in kind.grant_choices():
            label = _("%(role)s — %(name)s", role=services.role_label(role).capitalize(), name=name)
            choices.append(SelectChoice(f"{role}:{scope_id}", label))
    return choices


def _scope_object(role: str, scope_id: int | None) -> Any:
    return load_scope(Role(role).scope, scope_id)


def _scope_name(role: str, scope_id: int | None) -> str:
    if Role(role).scope == "platform":
        return _("the whole platform")
    obj = _scope_object(role, scope_id)
    return obj.name if obj is not None else _("(removed)")


def sign_in_rate_limited() -> str:
    """The sign-in form again, with the reason next to it rather than a bare error page."""
    form = SignInForm()
    form.email.data = request.form.get("email", "")
    form.password.errors = [
        _(
            "Too many failed sign-in attempts. Wait a few minutes before you try again, "
            "or reset your password."
        )
    ]
    return render_template("core/sign_in.html", form=form)
