"""A button-only state change, the same everywhere: check the form's token, act, then commit and
say it was done, or roll back and say why it could not be; go back to the page."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect
from werkzeug.wrappers import Response

from organiser.db import db
from organiser.web.forms import ConfirmForm


def button_action(
    act: Callable[[], object],
    *,
    refused: type[Exception] | tuple[type[Exception], ...],
    refused_message: Callable[[], str] | str,
    done_message: Callable[[], str] | str,
    back: str,
) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        act()
    except refused:
        db.session.rollback()
        flash(refused_message() if callable(refused_message) else refused_message, "error")
    else:
        db.session.commit()
        flash(done_message() if callable(done_message) else done_message, "success")
    return redirect(back)
