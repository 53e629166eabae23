"""Co-sponsors of letter campaigns: coordinators invite member organisations and find each accepted
one's tracking link; an organisation's admins answer, find their tracking links, and see and
download the writers they brought in who agreed to hear from them. Routes on the letters
blueprint (imported by ``init_app`` before it is registered)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from organiser.actions.letters.models import LetterCampaign
from organiser.actions.letters.services import sponsors
from organiser.actions.letters.views import bp
from organiser.actions.sponsorship import views as sponsorship
from organiser.coalitions.models import Organisation
from organiser.web.downloads import export_download
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


@bp.route("/letters/<slug>/sponsors", methods=["GET", "POST"], endpoint="sponsors")
@authorise(LetterCampaign, "can_manage")
def sponsors_page(campaign: LetterCampaign) -> str | Response:
    """Coordinators invite co-sponsors and see each one's answer and tracking link."""
    form, invited = sponsorship.invitation_form(sponsors.LETTERS, campaign)
    if invited is not None:
        return redirect(url_for("letters.sponsors", slug=campaign.slug))
    return render_template(
        "actions/letters/sponsors.html",
        campaign=campaign,
        form=form,
        sponsors=sponsors.sponsors_of(campaign),
        tracking_link=sponsors.tracking_link,
        status_labels=sponsorship.STATUS_LABELS,
    )


@bp.get("/organisations/<slug>/letter-sponsorships")
@authorise(Organisation, "can_manage")
def sponsorships(organisation: Organisation) -> str:
    """An organisation's admins answer invitations to co-sponsor letter campaigns, find their
    tracking links, and see the writers they brought in who agreed to hear from them."""
    rows = sponsors.supporters_of(organisation)
    return render_template(
        "actions/letters/sponsorships.html",
        organisation=organisation,
        sponsorships=sponsors.sponsorships_of(organisation),
        rows=rows,
        people=len({person.id for _letter, person, _campaign, _at in rows}),
        tracking_link=sponsors.tracking_link,
        status_labels=sponsorship.STATUS_LABELS,
        form=ConfirmForm(),
    )


def _answer(sponsorship_id: int, *, accept: bool) -> Response:
    return sponsorship.answer(sponsors.LETTERS, sponsorship_id, accept=accept)


@bp.post("/letter-sponsorships/<int:sponsorship_id>/accept")
@login_required
def accept_sponsorship(sponsorship_id: int) -> Response:
    """The organisation's admin accepts: it is named on the campaign and its tracking link works."""
    return _answer(sponsorship_id, accept=True)


@bp.post("/letter-sponsorships/<int:sponsorship_id>/decline")
@login_required
def decline_sponsorship(sponsorship_id: int) -> Response:
    """The organisation's admin declines the invitation."""
    return _answer(sponsorship_id, accept=False)


@bp.get("/organisations/<slug>/letter-supporters.csv")
@authorise(Organisation, "can_manage")
def export_supporters(organisation: Organisation) -> Response:
    """The writers it brought in who agreed to hear from it, as CSV (formula-safe; logged)."""
    return export_download(sponsors.export_supporters(organisation), by=current_user)
