"""Coordinators' page for a campaign's delivery: its pace (the daily cap of personal letters, the
digest's hour and zone), the letters waiting per decision-maker, and the failing ones (their
address bounced), each with a form for the new address that releases their letters."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.letters.forms import AddressForm, DeliveryForm
from organiser.actions.letters.models import LetterCampaign
from organiser.actions.letters.services import pacing
from organiser.actions.letters.views import bp
from organiser.actions.targets.models import Target
from organiser.db import db
from organiser.web import zones
from organiser.web.permissions import authorise


def _delivery_form(campaign: LetterCampaign, *, posted: bool = True) -> DeliveryForm:
    form = DeliveryForm(obj=campaign) if posted else DeliveryForm(obj=campaign, formdata=None)
    form.timezone.choices = zones.zone_choices(campaign.coalition.country, keep=campaign.timezone)
    return form


def _render(
    campaign: LetterCampaign, form: DeliveryForm, failed: tuple[int, AddressForm] | None = None
) -> str:
    """The page; ``failed``: the target whose address form came back with errors, and that form."""
    rows = pacing.delivery_state(campaign)
    for row in rows:
        target_id = row["target"].id
        if failed and failed[0] == target_id:
            row["form"] = failed[1]
        else:
            row["form"] = AddressForm(prefix=f"t{target_id}", formdata=None)
    shown = failed[1] if failed else form
    page = "actions/letters/delivery.html"
    return render_template(page, campaign=campaign, pace=form, form=shown, rows=rows)


@bp.route("/letters/<slug>/delivery", methods=["GET", "POST"])
@authorise(LetterCampaign, "can_manage")
def delivery(campaign: LetterCampaign) -> str | Response:
    """The pace of delivery, the letters waiting, and the decision-makers whose address bounced."""
    form = _delivery_form(campaign)
    if form.validate_on_submit():
        pacing.set_delivery(
            campaign,
            daily_cap=form.daily_cap.data,
            digest_hour=form.digest_hour.data,
            timezone=form.timezone.data or campaign.timezone,
            by=current_user,
        )
        db.session.commit()
        flash(_("Delivery settings saved."), "success")
        return redirect(url_for("letters.delivery", slug=campaign.slug))
    return _render(campaign, form)


@bp.post("/letters/<slug>/targets/<int:target_id>/address")
@authorise(LetterCampaign, "can_manage")
def fix_address(campaign: LetterCampaign, target_id: int) -> str | Response:
    """A failing decision-maker's new address: their waiting letters go on their way."""
    rows = {row["target"].id: row for row in pacing.delivery_state(campaign)}
    if target_id not in rows:
        abort(404)
    target: Target = rows[target_id]["target"]
    back = url_for("letters.delivery", slug=campaign.slug)
    if not rows[target_id]["failing"]:
        flash(_("%(name)s's address has not bounced.", name=target.name), "error")
        return redirect(back)
    form = AddressForm(prefix=f"t{target_id}")
    if form.validate_on_submit():
        try:
            released = pacing.fix_address(campaign, target, form.email.data, by=current_user)
        except pacing.AddressError as exc:
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(name)s's address is saved: %(num)s waiting letter went on its way.",
                    "%(name)s's address is saved: %(num)s waiting letters went on their way.",
                    released,
                    name=target.name,
                ),
                "success",
            )
            return redirect(back)
    return _render(campaign, _delivery_form(campaign, posted=False), (target_id, form))
