"""What the coordinators' pages and the organisations' own pages share: inviting a colleague to a
role, and loading a membership for whoever manages one side of it (its coalition, or its
organisation)."""

from __future__ import annotations

from typing import Literal

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.coalitions.models import Coalition, Membership, Organisation
from organiser.core import services as core_services
from organiser.core.forms import InviteForm
from organiser.core.models import Role
from organiser.db import db


def invite_colleague(form: InviteForm, role: Role, scope: Coalition | Organisation, back: str) -> Response:
    """Invite the address in ``form`` to ``role`` in the coalition or organisation, then go ``back``."""
    core_services.invite(form.email.data, role, scope.id, by=current_user, scope_name=scope.name)
    db.session.commit()
    flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
    return redirect(back)


def managed_membership(membership_id: int, *, side: Literal["coalition", "organisation"]) -> Membership:
    """The membership (a missing one is a 404), if the signed-in user manages its coalition or its
    organisation, as ``side`` says (otherwise a 403)."""
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        abort(404)
    if not getattr(membership, side).can_manage(current_user):
        abort(403)
    return membership
