"""One decorator applies the permission checks that live on the models.

The request order is load → authorise → act: the object named in the URL is loaded (a missing
one is a 404), its ``can_*`` method is asked about the signed-in user (no is a 403), and only
then does the view run, with the object as its first argument.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from organiser.db import db


def authorise(model: type, check: str = "can_manage", *, by: str = "slug") -> Callable[..., Any]:
    """Load ``model`` by the URL argument named ``by`` and require ``obj.<check>(current_user)``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        @login_required
        def wrapper(**kwargs: Any) -> Any:
            value = kwargs.pop(by)
            obj = db.session.scalar(select(model).where(getattr(model, by) == value))
            if obj is None:
                abort(404)
            if not getattr(obj, check)(current_user):
                abort(403)
            return view(obj, **kwargs)

        return wrapper

    return decorator


def public_or_404(item: Any) -> Any:
    """The object of a public page (a petition, a letter campaign, an assembly): a missing one is a
    404, and so is one not public yet (a draft), unless the signed-in user may manage it."""
    if item is None:
        abort(404)
    if not item.is_public and not (current_user.is_authenticated and item.can_manage(current_user)):
        abort(404)
    return item


def platform_admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_platform_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
