"""Coordinators' page for changing a campaign after it is created (its words, suggested letters,
who its letters go to, whether writers may edit them, its close time), with its log of changes,
newest first. A closed campaign is not changed any more."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.letters.forms import CampaignForm
from organiser.actions.letters.models import CampaignStatus, LetterCampaign
from organiser.actions.letters.services import CampaignStateError, slug_taken
from organiser.actions.letters.services.closing import close_if_overdue
from organiser.actions.letters.services.editing import EDITABLE_FIELDS, changes_of, update_campaign
from organiser.actions.letters.services.versions import unknown_ids
from organiser.actions.letters.views import add_version_entry, bp, target_choices
from organiser.db import db
from organiser.web.permissions import authorise

# How the change log names each field (the form's labels, and the decision-makers).
FIELD_LABELS = {
    "title": _l("Title"),
    "slug": _l("Address"),
    "intro": _l("Why write"),
    "subject": _l("Suggested subject"),  # before versions: the one suggested letter's
    "body": _l("Suggested letter"),
    "writers_may_edit": _l("May writers change the letter?"),
    "closes_at": _l("Closes"),
    "target_mode": _l("Who the letters go to"),
    "targets": _l("Decision-makers"),
}
VERSION_FIELD_LABELS = {"label": _l("Name"), "subject": _l("Subject"), "body": _l("Letter")}
VALUE_LABELS = {
    "target_mode": {"fixed": _l("The decision-makers chosen"), "region": _l("By region")},
    "writers_may_edit": {"yes": _l("Yes"), "no": _l("No")},
    "closes_at": {"": _l("No close time")},
}


def _form(campaign: LetterCampaign) -> CampaignForm:
    form = CampaignForm.for_editing(campaign)
    form.targets.choices = target_choices(campaign.coalition_id)
    return form


def _versions_refused(campaign: LetterCampaign, form: CampaignForm) -> bool:
    """A version the page showed was removed meanwhile (or the post names one it never had)."""
    unknown = unknown_ids(campaign, form.version_texts())
    for index in unknown:
        form.versions[index - 1].form.subject.errors.append(
            _("This version was changed or removed meanwhile: open the page again to see the versions.")
        )
    return bool(unknown)


def _save(campaign: LetterCampaign, form: CampaignForm) -> bool:
    """Save the form's changes; False, with the error next to its field, when refused."""
    names = EDITABLE_FIELDS + (("slug",) if form.slug else ())
    fields = {**{name: form.data[name] for name in names}, **form.settings()}
    if "slug" in fields and fields["slug"] != campaign.slug and slug_taken(fields["slug"] or ""):
        form.slug.errors.append(_("Another letter campaign has this address already"))
        return False
    if _versions_refused(campaign, form):
        return False
    try:
        change = update_campaign(
            campaign,
            by=current_user,
            target_ids=form.targets.data or [],
            versions=form.version_texts(),
            **fields,
        )
    except CampaignStateError as refused:  # refused before anything changed
        form.targets.errors.append(str(refused))
        return False
    db.session.commit()
    flash(_("Changes saved.") if change else _("Nothing was changed."), "success")
    return True


@bp.route("/letters/<slug>/edit", methods=["GET", "POST"])
@authorise(LetterCampaign, "can_manage")
def edit_campaign(campaign: LetterCampaign) -> str | Response:
    """Change a draft or open campaign's words, versions and decision-makers; each change is logged."""
    if close_if_overdue(campaign):  # its close time has come, and nothing has closed it yet
        db.session.commit()
    if campaign.status == CampaignStatus.CLOSED:
        flash(_("This campaign is closed: it can no longer be changed."), "error")
        return redirect(url_for("letters.campaign", slug=campaign.slug))
    form = _form(campaign)
    if form.add_version.data:  # "Add another version": the form again, with an empty one
        add_version_entry(form)
    elif form.validate_on_submit() and _save(campaign, form):
        return redirect(url_for("letters.edit_campaign", slug=campaign.slug))
    return render_template(
        "actions/letters/campaign_form.html",
        coalition=campaign.coalition,
        form=form,
        campaign=campaign,
        changes=changes_of(campaign),
        field_labels=FIELD_LABELS,
        version_field_labels=VERSION_FIELD_LABELS,
        value_labels=VALUE_LABELS,
    )
