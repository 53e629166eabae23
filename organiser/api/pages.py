"""The keys' pages: a coalition's coordinators manage its keys, an organisation's admins its own.
A new key is shown once, on the page that answers its creation, and never again."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from organiser.api import keys
from organiser.api.framework import PREFIX, TOKEN_HEADER
from organiser.coalitions.models import Coalition, Organisation
from organiser.db import db
from organiser.web.forms import ConfirmForm, Form
from organiser.web.permissions import authorise

bp = Blueprint("api_keys", __name__)


class ApiKeyForm(Form):
    name = StringField(
        _l("Name of the key"),
        validators=[DataRequired(message=_l("Name the key")), Length(max=120)],
        description=_l("What it is for, such as “our CRM” or “the volunteers' sign-up form”."),
    )


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"  # a new key is on the page
    return response


def _page(owner: Coalition | Organisation, kind: str, form: ApiKeyForm, new_key: str | None = None) -> str:
    return render_template(
        "api/keys.html",
        owner=owner,
        kind=kind,
        form=form,
        revoke_form=ConfirmForm(formdata=None),
        keys=keys.keys_of(owner),
        new_key=new_key,
        header=TOKEN_HEADER,
        api_url=url_for("api.entry_point", _external=True),
        prefix=PREFIX,
    )


def _keys_page(owner: Coalition | Organisation, kind: str) -> str:
    form = ApiKeyForm()
    if form.validate_on_submit():
        _key, token = keys.create_key(owner, form.name.data, by=current_user)
        db.session.commit()
        return _page(owner, kind, ApiKeyForm(formdata=None), new_key=token)
    return _page(owner, kind, form)


def _revoke(owner: Coalition | Organisation, key_id: int, back: str) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    key = keys.key_of(owner, key_id)
    if key is None:
        abort(404)
    keys.revoke_key(key, by=current_user)
    db.session.commit()
    flash(_("The key “%(name)s” is revoked: it no longer works.", name=key.name), "success")
    return redirect(back)


@authorise(Coalition, "can_manage")
def coalition_keys(coalition: Coalition) -> str:
    """A coalition's API keys: see them, create one (shown once), revoke one."""
    return _keys_page(coalition, "coalition")


@authorise(Coalition, "can_manage")
def revoke_coalition_key(coalition: Coalition, key_id: int) -> Response:
    """Revoke one of the coalition's keys."""
    return _revoke(coalition, key_id, url_for("api_keys.coalition_keys", slug=coalition.slug))


@authorise(Organisation, "can_manage")
def organisation_keys(organisation: Organisation) -> str:
    """An organisation's API keys."""
    return _keys_page(organisation, "organisation")


@authorise(Organisation, "can_manage")
def revoke_organisation_key(organisation: Organisation, key_id: int) -> Response:
    """Revoke one of the organisation's keys."""
    return _revoke(organisation, key_id, url_for("api_keys.organisation_keys", slug=organisation.slug))


_FORM, _POST = ["GET", "POST"], ["POST"]
bp.add_url_rule("/coalitions/<slug>/api-keys", "coalition_keys", coalition_keys, methods=_FORM)
bp.add_url_rule(
    "/coalitions/<slug>/api-keys/<int:key_id>/revoke",
    "revoke_coalition_key",
    revoke_coalition_key,
    methods=_POST,
)
bp.add_url_rule("/organisations/<slug>/api-keys", "organisation_keys", organisation_keys, methods=_FORM)
bp.add_url_rule(
    "/organisations/<slug>/api-keys/<int:key_id>/revoke",
    "revoke_organisation_key",
    revoke_organisation_key,
    methods=_POST,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
