"""The coordinators' pages of a coalition: who coordinates it (and inviting colleagues), its mailings,
the members' desk (applications approved or declined, memberships suspended, reinstated or marked as
left), and the members' CSV import and export."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from organiser.coalitions import imports, services
from organiser.coalitions.forms import (
    MEMBERSHIP_STATUS_LABELS,
    ROLE_LABELS,
    TYPE_LABELS,
    ApproveForm,
    ConfirmImportForm,
    DeclineForm,
    ImportForm,
)
from organiser.coalitions.import_pages import ImportPages, import_page
from organiser.coalitions.models import (
    Coalition,
    MembershipRole,
    MembershipStatus,
    OrganisationConsent,
)
from organiser.coalitions.views.common import invite_colleague, managed_membership
from organiser.core.forms import InviteForm
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.forms import MailingForm
from organiser.messaging.services import mailings as mailing_services
from organiser.messaging.views import mailing_fields, segment_field_choices
from organiser.web.buttons import button_action
from organiser.web.downloads import export_download
from organiser.web.forms import ConfirmForm
from organiser.web.inputs import form_text
from organiser.web.permissions import authorise


@authorise(Coalition, "can_manage")
def team(coalition: Coalition) -> str | Response:
    """Coordinators see who coordinates the coalition and invite colleagues to join them."""
    form = InviteForm()
    if form.validate_on_submit():
        return invite_colleague(
            form, Role.COALITION_COORDINATOR, coalition, url_for("coalitions.team", slug=coalition.slug)
        )
    return render_template(
        "coalitions/team.html",
        coalition=coalition,
        form=form,
        coordinators=services.coordinators_of(coalition),
    )


@authorise(Coalition, "can_manage")
def mailings(coalition: Coalition) -> str:
    """A coalition's mailings, newest first."""
    mailings = services.mailings_of(coalition)
    return render_template(
        "messaging/mailings.html",
        coalition=coalition,
        mailings=mailings,
        senders={m.organisation_id: services.mailing_owner(m).name for m in mailings if m.organisation_id},
    )


@authorise(Coalition, "can_manage")
def new_mailing(coalition: Coalition) -> str | Response:
    """Write a new mailing; it is saved as a draft."""
    form = MailingForm()
    form.segments.choices = segment_field_choices(coalition)
    if form.validate_on_submit():
        mailing = mailing_services.create_mailing(coalition.id, by=current_user, **mailing_fields(form))
        db.session.commit()
        flash(_("Draft saved. Check who gets it, send yourself a test, then send or schedule it."), "success")
        return redirect(url_for("messaging.mailing", id=mailing.id))
    return render_template("messaging/mailing_form.html", form=form, coalition=coalition, mailing=None)


@authorise(Coalition, "can_manage")
def members(coalition: Coalition) -> str:
    """The coordinators' desk: applications to decide on, and every membership with its history."""
    memberships = services.members_by_status(coalition)
    approve_form, decline_form = ApproveForm(), DeclineForm()
    approve_form.set_choices()
    return render_template(
        "coalitions/members.html",
        status_form=ConfirmForm(),
        summary=services.summary(memberships),
        recent=services.recent_changes(memberships),
        coalition=coalition,
        memberships=memberships,
        pending=[m for m in memberships if m.status == MembershipStatus.APPLIED],
        approve_form=approve_form,
        decline_form=decline_form,
        role_labels=ROLE_LABELS,
        type_labels=TYPE_LABELS,
    )


@login_required
def approve(membership_id: int) -> Response:
    """Approve an application with a role; the contact person is invited as the organisation's admin."""
    membership = managed_membership(membership_id, side="coalition")
    form = ApproveForm()
    form.set_choices()
    if membership.organisation_consent == OrganisationConsent.PENDING:
        flash(
            _(
                "%(name)s is already on Organiser: its administrators must first confirm that this "
                "application is theirs. They have been asked by e-mail.",
                name=membership.organisation.name,
            ),
            "error",
        )
    elif membership.status != MembershipStatus.APPLIED or not form.validate_on_submit():
        flash(_("That application cannot be approved now."), "error")
    else:
        services.approve(membership, MembershipRole(form.role.data), by=current_user)
        db.session.commit()
        flash(
            _(
                "%(name)s is now a member. Its contact person has an invitation to manage its profile.",
                name=membership.organisation.name,
            ),
            "success",
        )
    return redirect(url_for("coalitions.members", slug=membership.coalition.slug))


@login_required
def decline(membership_id: int) -> str | Response:
    """Decline an application, with a reason the applicant is sent."""
    membership = managed_membership(membership_id, side="coalition")
    form = DeclineForm()
    if membership.status != MembershipStatus.APPLIED:
        flash(_("That application cannot be declined now."), "error")
    elif form.validate_on_submit():
        services.decline(membership, form.reason.data, by=current_user)
        db.session.commit()
        flash(_("Declined. The applicant has been told why."), "success")
    else:
        flash(_("Say why the application is declined: the applicant is sent the reason."), "error")
    return redirect(url_for("coalitions.members", slug=membership.coalition.slug))


@login_required
def change_status(membership_id: int) -> Response:
    """Coordinators suspend, reinstate or record that a member has left."""
    membership = managed_membership(membership_id, side="coalition")
    status, note = form_text("status", max_length=20), form_text("note", max_length=2000)
    return button_action(
        lambda: services.change_status(membership, MembershipStatus(status), by=current_user, note=note),
        refused=ValueError,
        refused_message=_("That change is not possible for this membership."),
        done_message=lambda: _(
            "%(name)s: %(status)s.",
            name=membership.organisation.name,
            status=MEMBERSHIP_STATUS_LABELS[status],
        ),
        back=url_for("coalitions.members", slug=membership.coalition.slug),
    )


@authorise(Coalition, "can_manage")
def export_members(coalition: Coalition) -> Response:
    """Every membership as CSV (cells that look like formulas are made inert)."""
    return export_download(services.export_members(coalition), by=current_user)


@authorise(Coalition, "can_manage")
def import_members(coalition: Coalition) -> str | Response:
    """Upload a CSV, see every row checked, then confirm: nothing is written before that."""
    pages = ImportPages(
        parse=lambda text: imports.parse(text, coalition),
        write=lambda rows: services.import_members(coalition, rows, by=current_user),
        done=lambda written, skipped: _(
            "%(written)s organisations imported; %(skipped)s rows skipped.", written=written, skipped=skipped
        ),
        templates=("coalitions/import.html", "coalitions/import_preview.html"),
        upload_url=url_for("coalitions.import_members", slug=coalition.slug),
        after_url=url_for("coalitions.members", slug=coalition.slug),
    )
    return import_page(pages, ImportForm(), ConfirmImportForm(), coalition=coalition)
