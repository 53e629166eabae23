"""Coordinators' pages: the queue of a coalition's petitions from supporters (with its rules), and
each one's review page — approve, reject with a published reason, adopt as the coalition's own —
with its creator's updates to approve or refuse. Load → authorise → act, one commit per request."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.petitions.community import services
from organiser.actions.petitions.community.forms import RejectForm, RejectUpdateForm, SettingsForm
from organiser.actions.petitions.community.models import CommunityPetition, PetitionUpdate
from organiser.actions.petitions.models import Petition
from organiser.actions.petitions.services import PetitionStateError
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.web.buttons import button_action
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise

TEMPLATES = "actions/petitions/community/"


@authorise(Coalition, "can_manage")
def queue(coalition: Coalition) -> str | Response:
    """The coalition's petitions from supporters, by where they stand, and its rules for them."""
    rules = services.rules_for(coalition)
    form = SettingsForm(
        data={"open_to_supporters": rules.open_to_supporters, "supporters_needed": rules.supporters_needed}
    )
    if form.validate_on_submit():
        services.save_rules(
            coalition,
            open_to_supporters=bool(form.open_to_supporters.data),
            supporters_needed=form.supporters_needed.data,
            by=current_user,
        )
        db.session.commit()
        flash(_("Saved. New petitions follow these rules."), "success")
        return redirect(url_for("community.queue", slug=coalition.slug))
    return render_template(
        TEMPLATES + "queue.html",
        coalition=coalition,
        form=form,
        rules=rules,
        queue=services.queue_of(coalition),
        updates=services.waiting_updates(coalition),
        supporters=services.supporters,
    )


def _community(petition: Petition) -> CommunityPetition:
    community = services.community_of(petition)
    if community is None:
        abort(404)
    return community


def _update_form(update_id: int) -> RejectUpdateForm:
    return RejectUpdateForm(prefix=f"update-{update_id}")


def _review_page(petition: Petition, **forms: Any) -> str:
    community = _community(petition)
    updates = services.updates_of(community)
    submitted = forms.get("update_forms") or {}
    return render_template(
        TEMPLATES + "review.html",
        petition=petition,
        community=community,
        supporters=services.supporters(community),
        updates=updates,
        reject_form=forms.get("reject_form") or RejectForm(),
        update_forms={
            u.id: submitted.get(u.id) or _update_form(u.id) for u in updates if u.status == "waiting"
        },
        errors_in=list(submitted.values()),
        form=forms.get("reject_form") or next(iter(submitted.values()), None),  # "Error:" in the title
        button_form=ConfirmForm(),
    )


@authorise(Petition, "can_manage")
def review(petition: Petition) -> str:
    """One petition from a supporter: its words, creator, supporters, decisions and updates."""
    return _review_page(petition)


def _back(petition: Petition) -> str:
    return url_for("community.review", slug=petition.slug)


@authorise(Petition, "can_manage")
def approve(petition: Petition) -> Response:
    """Publish it: it opens for signatures, public and listed; its creator is told."""
    community = _community(petition)
    return button_action(
        lambda: services.approve(community, by=current_user),
        refused=(services.CommunityStateError, PetitionStateError),
        refused_message=_("This petition has been decided already."),
        done_message=_("Approved: the petition is open for signatures, and its creator is told."),
        back=_back(petition),
    )


@authorise(Petition, "can_manage")
def reject(petition: Petition) -> str | Response:
    """Do not publish it, for a reason from the published standards; its creator is told which."""
    community = _community(petition)
    form = RejectForm()
    if not form.validate_on_submit():
        return _review_page(petition, reject_form=form)
    try:
        services.reject(community, form.rejection_reason.data, note=form.note.data or "", by=current_user)
    except services.CommunityStateError:
        db.session.rollback()
        flash(_("This petition has been decided already."), "error")
    else:
        db.session.commit()
        flash(_("Rejected: its creator has been told why."), "success")
    return redirect(_back(petition))


@authorise(Petition, "can_manage")
def adopt(petition: Petition) -> Response:
    """Make the published petition the coalition's own action; its creator stays credited."""
    community = _community(petition)
    return button_action(
        lambda: services.adopt(community, by=current_user),
        refused=services.CommunityStateError,
        refused_message=_("Only a published petition can be adopted, once."),
        done_message=_("Adopted: it shows as the coalition's own petition, started by its creator."),
        back=_back(petition),
    )


def _update(petition: Petition, update_id: int) -> PetitionUpdate:
    update = db.session.get(PetitionUpdate, update_id)
    if update is None or update.community.petition_id != petition.id:
        abort(404)
    return update


@authorise(Petition, "can_manage")
def approve_update(petition: Petition, update_id: int) -> Response:
    """Send the creator's update to the signers who agreed to hear from the coalition."""
    update = _update(petition, update_id)
    return button_action(
        lambda: services.approve_update(update, by=current_user),
        refused=services.CommunityStateError,
        refused_message=_("This update has been decided already."),
        done_message=_("Approved: the update is being sent to the signers who agreed to hear."),
        back=_back(petition),
    )


@authorise(Petition, "can_manage")
def reject_update(petition: Petition, update_id: int) -> str | Response:
    """Do not send the update; its creator is told why."""
    update = _update(petition, update_id)
    form = _update_form(update.id)
    if not form.validate_on_submit():
        return _review_page(petition, update_forms={update.id: form})
    try:
        services.reject_update(update, note=form.note.data, by=current_user)
    except services.CommunityStateError:
        db.session.rollback()
        flash(_("This update has been decided already."), "error")
    else:
        db.session.commit()
        flash(_("The update is not sent; its creator has been told why."), "success")
    return redirect(_back(petition))
