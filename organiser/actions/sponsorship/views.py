"""What the sponsorship pages of any action share: the coordinators' invitation form handled, and
an organisation admin's answer to an invitation (a button)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.sponsorship.forms import SponsorInviteForm
from organiser.actions.sponsorship.invitations import (
    SponsorError,
    invitable_organisations,
    invite_sponsor,
    respond,
)
from organiser.actions.sponsorship.kinds import Sponsored
from organiser.coalitions.models import Organisation
from organiser.db import db
from organiser.web.buttons import button_action

STATUS_LABELS = {
    "invited": _l("invited, no answer yet"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
}


def invitation_form(kind: Sponsored, action: Any) -> tuple[SponsorInviteForm, Organisation | None]:
    """The invitation form, and the organisation it invited now (committed, its admins e-mailed, and
    the coordinator told so), or None with the reason next to its field."""
    form = SponsorInviteForm()
    invitable = invitable_organisations(kind, action)
    form.organisation.choices = [("", _("Choose an organisation"))] + [(str(o.id), o.name) for o in invitable]
    if not form.validate_on_submit():
        return form, None
    chosen = next((o for o in invitable if str(o.id) == form.organisation.data), None)
    if chosen is None:
        form.organisation.errors.append(_("Choose an organisation from the list"))
        return form, None
    try:
        invite_sponsor(kind, action, chosen, by=current_user, code=form.code.data or "")
    except SponsorError as exc:
        db.session.rollback()
        form.code.errors.append(str(exc))
        return form, None
    db.session.commit()
    flash(
        _("%(organisation)s is invited; its administrators have been e-mailed.", organisation=chosen.name),
        "success",
    )
    return form, chosen


def _sponsorship_for_admin(kind: Sponsored, sponsorship_id: int) -> Any:
    """The invitation, for one of its organisation's admins (404 if there is none; 403 for others)."""
    sponsor = db.session.get(kind.model, sponsorship_id)
    if sponsor is None:
        abort(404)
    if not sponsor.organisation.can_manage(current_user):
        abort(403)
    return sponsor


def answer(kind: Sponsored, sponsorship_id: int, *, accept: bool) -> Response:
    """The organisation's admin accepts or declines (a button: once); back to where they answer."""
    sponsor = _sponsorship_for_admin(kind, sponsorship_id)
    names = {"organisation": sponsor.organisation.name, "title": kind.action_of(sponsor).title}
    return button_action(
        lambda: respond(kind, sponsor, accept=accept, by=current_user),
        refused=SponsorError,
        refused_message=_("This invitation has been answered already."),
        done_message=(
            _("%(organisation)s co-sponsors “%(title)s”. Share your tracking link.", **names)
            if accept
            else _("You declined to co-sponsor “%(title)s”.", **names)
        ),
        back=url_for(kind.answer_endpoint, slug=sponsor.organisation.slug),
    )
