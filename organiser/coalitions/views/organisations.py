"""An organisation's own pages, for its administrators: its profile (with its logo) for the member
directories, its team and its coalitions (leaving one), and the applications made in its name that
wait for it to confirm or refuse them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from organiser.coalitions import logos, services
from organiser.coalitions.forms import ROLE_LABELS, OrganisationProfileForm
from organiser.coalitions.models import MembershipStatus, Organisation
from organiser.coalitions.views.common import invite_colleague, managed_membership
from organiser.core.forms import InviteForm
from organiser.core.models import Role
from organiser.db import db
from organiser.web.buttons import button_action
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


@authorise(Organisation, "can_manage")
def edit_organisation(organisation: Organisation) -> str | Response:
    """An organisation's admins keep its profile, which the member directories show."""
    form = OrganisationProfileForm(obj=organisation)
    form.set_choices()
    if form.validate_on_submit():
        fields: dict[str, object] = dict(form.profile())
        try:
            # Only an uploaded file: without a file part, obj= fills the field with the stored bytes.
            if isinstance(form.logo.data, FileStorage) and form.logo.data.filename:
                fields["logo"] = logos.process_logo(form.logo.data.read())
            elif form.remove_logo.data:
                fields["logo"] = None
        except logos.LogoError as exc:
            form.logo.errors.append(str(exc))
        else:
            services.update_organisation(organisation, by=current_user, **fields)
            db.session.commit()
            flash(_("Profile saved."), "success")
            return redirect(url_for("coalitions.edit_organisation", slug=organisation.slug))
    return render_template("coalitions/organisation_form.html", form=form, organisation=organisation)


@authorise(Organisation, "can_manage")
def organisation_team(organisation: Organisation) -> str | Response:
    """An organisation's admins: invite colleagues, and see (and leave) its coalitions."""
    form = InviteForm()
    if form.validate_on_submit():
        back = url_for("coalitions.organisation_team", slug=organisation.slug)
        return invite_colleague(form, Role.ORGANISATION_ADMIN, organisation, back)
    return render_template(
        "coalitions/organisation_team.html",
        organisation=organisation,
        form=form,
        leave_form=ConfirmForm(),
        admins=services.admins_of(organisation),
        waiting=services.waiting_for_organisation(organisation),
        role_labels=ROLE_LABELS,
    )


@login_required
def leave(membership_id: int) -> Response:
    """An organisation's admin takes it out of a coalition."""
    membership = managed_membership(membership_id, side="organisation")
    return button_action(
        lambda: services.change_status(membership, MembershipStatus.LEFT, by=current_user, note="left"),
        refused=ValueError,
        refused_message=_("That change is not possible for this membership."),
        done_message=_(
            "%(org)s has left %(coalition)s.",
            org=membership.organisation.name,
            coalition=membership.coalition.name,
        ),
        back=url_for("coalitions.organisation_team", slug=membership.organisation.slug),
    )


def _answer_for_organisation(membership_id: int, *, agree: bool) -> Response:
    membership = managed_membership(membership_id, side="organisation")
    names = {"organisation": membership.organisation.name, "coalition": membership.coalition.name}
    return button_action(
        lambda: services.answer_for_organisation(membership, agree=agree, by=current_user),
        refused=services.ApplicationError,
        refused_message=_("This application has been answered already."),
        done_message=(
            _("Confirmed: the coordinators of %(coalition)s can now decide on it.", **names)
            if agree
            else _("Refused: the application to %(coalition)s is declined, and the applicant told.", **names)
        ),
        back=url_for("coalitions.organisation_team", slug=membership.organisation.slug),
    )


@login_required
def confirm_for_organisation(membership_id: int) -> Response:
    """An organisation's admin confirms that an application made in its name is its own."""
    return _answer_for_organisation(membership_id, agree=True)


@login_required
def refuse_for_organisation(membership_id: int) -> Response:
    """An organisation's admin says an application made in its name is not its own."""
    return _answer_for_organisation(membership_id, agree=False)
