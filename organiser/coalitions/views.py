"""Public coalition pages and the coordinators' team page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from organiser.coalitions import imports, logos, services
from organiser.coalitions.forms import (
    ROLE_LABELS,
    TYPE_LABELS,
    ApproveForm,
    ConfirmImportForm,
    DeclineForm,
    ImportForm,
    JoinForm,
    OrganisationFields,
    OrganisationProfileForm,
)
from organiser.coalitions.import_pages import ImportPages, import_page
from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrganisationConsent,
)
from organiser.core import services as core_services
from organiser.core.forms import InviteForm
from organiser.core.models import Role
from organiser.db import db
from organiser.extensions import limiter
from organiser.messaging.forms import MailingForm
from organiser.messaging.services import mailings as mailing_services
from organiser.messaging.views import mailing_fields, segment_field_choices
from organiser.web.buttons import button_action
from organiser.web.downloads import logged_csv_download
from organiser.web.forms import ConfirmForm
from organiser.web.inputs import form_text
from organiser.web.permissions import authorise
from organiser.web.templating import MEMBERSHIP_STATUS_LABELS

bp = Blueprint("coalitions", __name__)


@bp.get("/")
def index() -> str:
    """The home page: the coalitions on this platform, alliances with their chapters."""
    return render_template("coalitions/index.html", alliances=services.alliances())


@bp.get("/coalitions/<slug>")
def show(slug: str) -> str:
    """A coalition's public page: who it is, its principles, its chapters and members."""
    coalition = services.public_page(slug)
    if coalition is None:
        abort(404)
    can_manage = current_user.is_authenticated and coalition.can_manage(current_user)
    filters = {key: request.args.get(key, "").strip() for key in ("q", "type", "country")}
    everyone = coalition.active_members()
    return render_template(
        "coalitions/show.html",
        coalition=coalition,
        members=services.directory(coalition, **filters),
        member_total=len(everyone),
        filters=filters,
        can_manage=can_manage,
        type_labels=TYPE_LABELS,
        countries=sorted({m.organisation.country for m in everyone if m.organisation.country}),
        types=sorted({str(m.organisation.type) for m in everyone}),
    )


@bp.route("/coalitions/<slug>/team", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def team(coalition: Coalition) -> str | Response:
    """Coordinators see who coordinates the coalition and invite colleagues to join them."""
    form = InviteForm()
    if form.validate_on_submit():
        return _invite(
            form, Role.COALITION_COORDINATOR, coalition, url_for("coalitions.team", slug=coalition.slug)
        )
    return render_template(
        "coalitions/team.html",
        coalition=coalition,
        form=form,
        coordinators=services.coordinators_of(coalition),
    )


def _invite(form: InviteForm, role: Role, scope: Coalition | Organisation, back: str) -> Response:
    core_services.invite(form.email.data, role, scope.id, by=current_user, scope_name=scope.name)
    db.session.commit()
    flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
    return redirect(back)


@bp.get("/coalitions/<slug>/mailings")
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


@bp.route("/coalitions/<slug>/mailings/new", methods=["GET", "POST"])
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


@bp.route("/coalitions/<slug>/join", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def join(slug: str) -> str | Response:
    """An organisation applies to join: its details, a contact person, the principles endorsed."""
    coalition = services.public_page(slug)
    if coalition is None:
        abort(404)
    form = JoinForm()
    form.set_choices()
    if form.validate_on_submit():
        # The same answer whether the organisation applied before or not: what differs goes only
        # to the contact's mailbox.
        services.apply_to_join(
            coalition,
            organisation=_organisation_fields(form),
            contact_name=form.contact_name.data,
            contact_email=form.contact_email.data,
        )
        db.session.commit()
        return render_template(
            "coalitions/join_done.html", coalition=coalition, email=form.contact_email.data
        )
    return render_template("coalitions/join.html", coalition=coalition, form=form)


def _organisation_fields(form: OrganisationFields) -> dict[str, str]:
    return {
        "name": form.name.data.strip(),
        "type": form.type.data,
        "country": form.country.data,
        "region": (form.region.data or "").strip(),
        "website": (form.website.data or "").strip(),
        "description": (form.description.data or "").strip(),
    }


@bp.get("/coalitions/<slug>/members")
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


def _membership_for_coordinator(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        abort(404)
    if not membership.coalition.can_manage(current_user):
        abort(403)
    return membership


@bp.post("/memberships/<int:membership_id>/approve")
@login_required
def approve(membership_id: int) -> Response:
    """Approve an application with a role; the contact person is invited as the organisation's admin."""
    membership = _membership_for_coordinator(membership_id)
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


@bp.post("/memberships/<int:membership_id>/decline")
@login_required
def decline(membership_id: int) -> str | Response:
    """Decline an application, with a reason the applicant is sent."""
    membership = _membership_for_coordinator(membership_id)
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


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
@authorise(Organisation, "can_manage")
def edit_organisation(organisation: Organisation) -> str | Response:
    """An organisation's admins keep its profile, which the member directories show."""
    form = OrganisationProfileForm(obj=organisation)
    form.set_choices()
    if form.validate_on_submit():
        fields: dict[str, object] = dict(_organisation_fields(form))
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


@bp.post("/memberships/<int:membership_id>/status")
@login_required
def change_status(membership_id: int) -> Response:
    """Coordinators suspend, reinstate or record that a member has left."""
    membership = _membership_for_coordinator(membership_id)
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


@bp.get("/coalitions/<slug>/members.csv")
@authorise(Coalition, "can_manage")
def export_members(coalition: Coalition) -> Response:
    """Every membership as CSV (cells that look like formulas are made inert)."""
    return logged_csv_download(
        services.export_members(coalition, by=current_user),
        f"{coalition.slug}-members.csv",
        what=_("Members and their contacts"),
        by=current_user,
        coalition_id=coalition.id,
    )


@bp.route("/organisations/<slug>/team", methods=["GET", "POST"])
@authorise(Organisation, "can_manage")
def organisation_team(organisation: Organisation) -> str | Response:
    """An organisation's admins: invite colleagues, and see (and leave) its coalitions."""
    form = InviteForm()
    if form.validate_on_submit():
        back = url_for("coalitions.organisation_team", slug=organisation.slug)
        return _invite(form, Role.ORGANISATION_ADMIN, organisation, back)
    return render_template(
        "coalitions/organisation_team.html",
        organisation=organisation,
        form=form,
        leave_form=ConfirmForm(),
        admins=services.admins_of(organisation),
        waiting=services.waiting_for_organisation(organisation),
        role_labels=ROLE_LABELS,
    )


@bp.post("/memberships/<int:membership_id>/leave")
@login_required
def leave(membership_id: int) -> Response:
    """An organisation's admin takes it out of a coalition."""
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        abort(404)
    if not membership.organisation.can_manage(current_user):
        abort(403)
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
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        abort(404)
    if not membership.organisation.can_manage(current_user):
        abort(403)
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


@bp.post("/memberships/<int:membership_id>/organisation/confirm")
@login_required
def confirm_for_organisation(membership_id: int) -> Response:
    """An organisation's admin confirms that an application made in its name is its own."""
    return _answer_for_organisation(membership_id, agree=True)


@bp.post("/memberships/<int:membership_id>/organisation/refuse")
@login_required
def refuse_for_organisation(membership_id: int) -> Response:
    """An organisation's admin says an application made in its name is not its own."""
    return _answer_for_organisation(membership_id, agree=False)


@bp.route("/coalitions/<slug>/members/import", methods=["GET", "POST"])
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


@bp.get("/organisations/<slug>/logo.png")
def organisation_logo(slug: str) -> Response:
    """The organisation's logo, as we re-encoded it; cached by browsers and proxies for a day."""
    logo = services.logo_of(slug)
    if logo is None:
        abort(404)
    data, version = logo
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(f"{slug}-{version}")
    return response.make_conditional(request)
