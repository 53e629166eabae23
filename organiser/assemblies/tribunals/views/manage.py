"""A tribunal for its organisers: the charges (added, changed, reordered, removed), the testimonies
(moderated: those at risk first; approved, sent back for changes, rejected with a reason; written
down for witnesses who testify in person or by voice; their files), and the panel."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals import services
from organiser.assemblies.tribunals.forms import (
    ChargeForm,
    ModerationNoteForm,
    OrganiserTestimonyForm,
    PanelMemberForm,
)
from organiser.assemblies.tribunals.models import Charge, Testimony, TestimonyStatus
from organiser.assemblies.tribunals.views.common import organisers, uploaded_files
from organiser.db import db
from organiser.web.buttons import button_action
from organiser.web.forms import ConfirmForm

CHARGE_FIELDS = ("title", "accused", "accused_kind", "at_stake", "description")


def _charge_fields(form: ChargeForm) -> dict[str, str]:
    return {name: (getattr(form, name).data or "").strip() for name in CHARGE_FIELDS}


@organisers
def charges(assembly: Assembly) -> str | Response:
    """The charges, in the order the public page shows them; add one."""
    form = ChargeForm()
    if form.validate_on_submit():
        services.add_charge(assembly, by=current_user, **_charge_fields(form))
        db.session.commit()
        flash(_("Charge added."), "success")
        return redirect(url_for(".charges", slug=assembly.slug))
    return render_template(
        "assemblies/tribunals/charges.html",
        assembly=assembly,
        form=form,
        charges=services.charges_of(assembly),
        button_form=ConfirmForm(),
    )


def _charge(assembly: Assembly, charge_id: int) -> Charge:
    charge = services.charge_in(assembly, charge_id)
    if charge is None:
        abort(404)
    return charge


@organisers
def edit_charge(assembly: Assembly, charge_id: int) -> str | Response:
    """Change a charge."""
    charge = _charge(assembly, charge_id)
    form = ChargeForm(obj=charge)
    if form.validate_on_submit():
        services.update_charge(charge, by=current_user, **_charge_fields(form))
        db.session.commit()
        flash(_("Charge saved."), "success")
        return redirect(url_for(".charges", slug=assembly.slug))
    return render_template(
        "assemblies/tribunals/charge_form.html", assembly=assembly, form=form, charge=charge
    )


def _move(assembly: Assembly, charge_id: int, step: int) -> Response:
    charge = _charge(assembly, charge_id)
    return button_action(
        lambda: services.move_charge(charge, step, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("Order saved."),
        back=url_for(".charges", slug=assembly.slug),
    )


@organisers
def move_charge_up(assembly: Assembly, charge_id: int) -> Response:
    """Move a charge one place up."""
    return _move(assembly, charge_id, -1)


@organisers
def move_charge_down(assembly: Assembly, charge_id: int) -> Response:
    """Move a charge one place down."""
    return _move(assembly, charge_id, 1)


@organisers
def remove_charge(assembly: Assembly, charge_id: int) -> Response:
    """Remove a charge (its testimonies stay, on no charge)."""
    charge = _charge(assembly, charge_id)
    return button_action(
        lambda: services.remove_charge(charge, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("Charge removed."),
        back=url_for(".charges", slug=assembly.slug),
    )


@organisers
def testimonies(assembly: Assembly) -> str:
    """The testimonies to moderate: those whose witness is at risk first, then those waiting."""
    return render_template(
        "assemblies/tribunals/testimonies.html",
        assembly=assembly,
        testimonies=services.for_moderation(assembly),
    )


@organisers
def new_testimony(assembly: Assembly) -> str | Response:
    """Write down a testimony given in person or by voice; it is moderated like any other."""
    form = OrganiserTestimonyForm()
    form.set_charges(services.charges_of(assembly))
    if form.validate_on_submit() and (files := uploaded_files(form.attachments)) is not None:
        testimony = services.enter_testimony(
            assembly,
            form.testimony_fields(),
            files,
            name=form.name.data or "",
            email=form.email.data or "",
            by=current_user,
        )
        db.session.commit()
        flash(_("Testimony recorded. It waits for moderation like any other."), "success")
        return redirect(url_for(".testimony", slug=assembly.slug, testimony_id=testimony.id))
    return render_template("assemblies/tribunals/testimony_form.html", assembly=assembly, form=form)


def _testimony(assembly: Assembly, testimony_id: int) -> Testimony:
    testimony = services.testimony_in(assembly, testimony_id)
    if testimony is None:
        abort(404)
    return testimony


def _testimony_page(assembly: Assembly, testimony: Testimony, **forms: ModerationNoteForm) -> str:
    return render_template(
        "assemblies/tribunals/moderate.html",
        assembly=assembly,
        testimony=testimony,
        shown=services.shown(testimony),
        button_form=ConfirmForm(),
        changes_form=forms.get("changes") or ModerationNoteForm(prefix="changes"),
        reject_form=forms.get("reject") or ModerationNoteForm(prefix="reject"),
    )


@organisers
def testimony(assembly: Assembly, testimony_id: int) -> str:
    """One testimony, with who gave it, and the organisers' decision."""
    return _testimony_page(assembly, _testimony(assembly, testimony_id))


def _decide(
    assembly: Assembly, testimony: Testimony, status: TestimonyStatus, note: str, done: str
) -> Response:
    back = url_for(".testimony", slug=assembly.slug, testimony_id=testimony.id)
    try:
        services.moderate(testimony, status, note=note, by=current_user)
    except services.TestimonyStateError:
        db.session.rollback()
        flash(_("This testimony cannot be changed that way now."), "error")
        return redirect(back)
    db.session.commit()
    flash(done, "success")
    return redirect(back)


@organisers
def approve(assembly: Assembly, testimony_id: int) -> Response:
    """Approve a testimony: public from now on, as its witness allowed."""
    testimony = _testimony(assembly, testimony_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = _("Approved. The witness is told.")
    return _decide(assembly, testimony, TestimonyStatus.APPROVED, "", done)


def _with_note(
    assembly: Assembly, testimony_id: int, status: TestimonyStatus, prefix: str, done: str
) -> str | Response:
    testimony = _testimony(assembly, testimony_id)
    form = ModerationNoteForm(prefix=prefix)
    if not form.validate_on_submit():
        return _testimony_page(assembly, testimony, **{prefix: form})
    return _decide(assembly, testimony, status, form.note.data, done)


@organisers
def request_changes(assembly: Assembly, testimony_id: int) -> str | Response:
    """Ask the witness to change their testimony: they get an e-mail with the link to edit it."""
    done = _("The witness is asked to change it, by e-mail.")
    return _with_note(assembly, testimony_id, TestimonyStatus.CHANGES_REQUESTED, "changes", done)


@organisers
def reject(assembly: Assembly, testimony_id: int) -> str | Response:
    """Reject a testimony, with the reason the witness is told."""
    done = _("Rejected. The witness is told why.")
    return _with_note(assembly, testimony_id, TestimonyStatus.REJECTED, "reject", done)


@organisers
def attachment(assembly: Assembly, testimony_id: int, attachment_id: int) -> Response:
    """A file given with a testimony, as we re-encoded it; for the organisers only."""
    found = services.attachment_of(_testimony(assembly, testimony_id), attachment_id)
    if found is None or found.data is None:
        abort(404)
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f"attachment; filename=testimony-{testimony_id}-{found.id}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@organisers
def panel(assembly: Assembly) -> str | Response:
    """The panel, shown publicly; add a member (and the account that enters the verdicts)."""
    form = PanelMemberForm()
    if form.validate_on_submit():
        outcome = services.add_panel_member(
            assembly,
            name=form.name.data,
            role=form.role.data,
            bio=(form.bio.data or "").strip(),
            account_email=form.account_email.data or "",
            by=current_user,
        )
        db.session.commit()
        flash(_panel_message(outcome, form.account_email.data or ""), "success")
        return redirect(url_for(".panel", slug=assembly.slug))
    return render_template(
        "assemblies/tribunals/panel.html",
        assembly=assembly,
        form=form,
        members=services.panel_of(assembly),
        button_form=ConfirmForm(),
    )


def _panel_message(outcome: str, email: str) -> str:
    if outcome == "granted":
        return _("Added to the panel. Their account may now enter the verdicts.")
    if outcome == "invited":
        return _("Added to the panel, and %(email)s is invited to enter the verdicts.", email=email)
    return _("Added to the panel.")


@organisers
def remove_panel_member(assembly: Assembly, member_id: int) -> Response:
    """Take a member off the panel (their account loses the panel role here)."""
    member = services.panel_member_in(assembly, member_id)
    if member is None:
        abort(404)
    return button_action(
        lambda: services.remove_panel_member(member, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("Removed from the panel."),
        back=url_for(".panel", slug=assembly.slug),
    )
