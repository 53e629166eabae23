"""Coordinators' page for changing a campaign after it is created (its words and who its letters
go to), with its log of changes, newest first. A closed campaign is not changed any more."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.letters.forms import CampaignForm
from organiser.actions.letters.models import CampaignStatus, LetterCampaign
from organiser.actions.letters.services import CampaignStateError, slug_taken
from organiser.actions.letters.services.editing import EDITABLE_FIELDS, changes_of, update_campaign
from organiser.actions.letters.views import bp
from organiser.actions.targets.services import targets_of
from organiser.db import db
from organiser.web.permissions import authorise

# How the change log names each field (the form's labels, and the decision-makers).
FIELD_LABELS = {
    "title": _l("Title"),
    "slug": _l("Address"),
    "intro": _l("Why write"),
    "subject": _l("Suggested subject"),
    "body": _l("Suggested letter"),
    "target_mode": _l("Who the letters go to"),
    "targets": _l("Decision-makers"),
}
MODE_LABELS = {"fixed": _l("The decision-makers chosen"), "region": _l("By region")}


def _form(campaign: LetterCampaign) -> CampaignForm:
    form = CampaignForm.for_editing(campaign)
    form.targets.choices = [
        (t.id, " · ".join(x for x in (t.name, t.role, t.body, t.region) if x))
        for t in targets_of(campaign.coalition_id)
    ]
    return form


def _save(campaign: LetterCampaign, form: CampaignForm) -> bool:
    """Save the form's changes; False, with the error next to its field, when refused."""
    names = EDITABLE_FIELDS + (("slug",) if form.slug else ())
    fields = {name: form.data[name] for name in names}
    if "slug" in fields and fields["slug"] != campaign.slug and slug_taken(fields["slug"] or ""):
        form.slug.errors.append(_("Another letter campaign has this address already"))
        return False
    try:
        change = update_campaign(campaign, by=current_user, target_ids=form.targets.data or [], **fields)
    except CampaignStateError as refused:  # refused before anything changed
        form.targets.errors.append(str(refused))
        return False
    db.session.commit()
    flash(_("Changes saved.") if change else _("Nothing was changed."), "success")
    return True


@bp.route("/letters/<slug>/edit", methods=["GET", "POST"])
@authorise(LetterCampaign, "can_manage")
def edit_campaign(campaign: LetterCampaign) -> str | Response:
    """Change a draft or open campaign's words and decision-makers; each change is logged."""
    if campaign.status == CampaignStatus.CLOSED:
        flash(_("This campaign is closed: it can no longer be changed."), "error")
        return redirect(url_for("letters.campaign", slug=campaign.slug))
    form = _form(campaign)
    if form.validate_on_submit() and _save(campaign, form):
        return redirect(url_for("letters.edit_campaign", slug=campaign.slug))
    return render_template(
        "actions/letters/campaign_form.html",
        coalition=campaign.coalition,
        form=form,
        campaign=campaign,
        changes=changes_of(campaign),
        field_labels=FIELD_LABELS,
        mode_labels=MODE_LABELS,
    )
