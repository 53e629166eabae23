"""Letter-writing: the public campaign page, writing and confirming a letter; coordinators' pages
(campaigns, open and close, letters per target and day, the CSV, responses)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.letters import choosing
from organiser.actions.letters import services as letters
from organiser.actions.letters.finding import Finding
from organiser.actions.letters.finding import choices as finding_choices
from organiser.actions.letters.finding import find as find_area
from organiser.actions.letters.finding import start as start_finding
from organiser.actions.letters.forms import CampaignForm, LetterForm
from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign, TargetMode
from organiser.actions.letters.services import sponsors
from organiser.actions.letters.services.closing import close_if_overdue, closes_text
from organiser.actions.letters.services.pacing import DELIVERY_FIELDS
from organiser.actions.letters.services.versions import MAX_VERSIONS
from organiser.actions.sponsorship.tracking import tracking_code, tracking_fields
from organiser.actions.targets.services import targets_of
from organiser.actions.targets.views import ResponsesPage, responses_page
from organiser.coalitions.forms import sign_country_choices
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.extensions import csrf
from organiser.web import limits, zones
from organiser.web.buttons import button_action
from organiser.web.downloads import export_download
from organiser.web.microcache import public_page
from organiser.web.permissions import authorise, public_or_404
from organiser.web.public_actions import confirmation_page, is_bot

bp = Blueprint("letters", __name__)
bp.add_app_template_global(letters.responses_of, "letter_responses")


def _letter_form(campaign: LetterCampaign, finding: Finding | None = None) -> LetterForm:
    form = LetterForm()
    form.country.choices = sign_country_choices(str(get_locale()))
    if finding is not None:  # by region: the list is asked for only where it is shown
        form.constituency.choices = finding_choices(finding)
    return form


def _finding(campaign: LetterCampaign) -> Finding | None:
    return start_finding(campaign) if campaign.target_mode == TargetMode.REGION else None


def _render_campaign(
    campaign: LetterCampaign, form: LetterForm, choice: choosing.Choice, finding: Finding | None = None
) -> str:
    return render_template(
        "actions/letters/campaign.html",
        campaign=campaign,
        form=form,
        choice=choice,
        can_manage=current_user.is_authenticated and campaign.can_manage(current_user),
        by_region=campaign.target_mode == TargetMode.REGION,
        finding=finding,
        consent_wording=letters.consent_wording(campaign),
        closes=closes_text(campaign),
        source=tracking_code(),
        **sponsors.page_context(campaign, tracking_code()),
    )


def public_campaign(slug: str) -> LetterCampaign:
    """The campaign of a public page; one whose close time has come is closed first (without a
    worker's sweep, the first visit closes it)."""
    campaign = public_or_404(letters.by_slug(slug))
    if close_if_overdue(campaign):
        db.session.commit()
    return campaign


@bp.get("/letters/<slug>")
def campaign(slug: str) -> Response:
    """The campaign: why write, who the letter goes to, how many wrote, the letter form."""
    page = public_campaign(slug)
    finding = _finding(page)
    form = _letter_form(page, finding)
    choice = choosing.start(page, form, submitted=False)
    return public_page(Response(_render_campaign(page, form, choice, finding), mimetype="text/html"))


# The public write form and the e-mailed confirmation carry no CSRF token (no session, so the
# campaign page stays cacheable): double opt-in, rate limits and a honeypot guard them.
@bp.post("/letters/<slug>/write")
@csrf.exempt
def write(slug: str) -> str | tuple[str, int]:
    """Write: pending letters, and an e-mail with the link that confirms them."""
    if limits.over_public_limit(request.remote_addr or ""):
        abort(429)
    campaign = public_campaign(slug)
    if campaign.status != CampaignStatus.OPEN:
        return render_template("actions/letters/closed.html", campaign=campaign), 409
    finding = _finding(campaign)
    form = _letter_form(campaign, finding)
    choice = choosing.start(campaign, form, submitted=True)
    if choosing.choose(campaign, form, choice):  # "Use this letter": show it, send nothing
        return _render_campaign(campaign, form, choice, finding)
    if finding is not None and form.find.data:  # "Find my representatives": show them, send nothing
        return _render_campaign(campaign, form, choice, find_area(campaign, form, finding, by_hand=False))
    valid = form.validate()
    if finding is not None:
        valid = find_area(campaign, form, finding, by_hand=True).found and valid
    if not valid:
        return _render_campaign(campaign, form, choice, finding)
    if is_bot(form):  # the honeypot: say the same as to a person, store nothing
        return _check_email(campaign, form.email.data)
    data = {**form.data, **choosing.words(form, choice)}
    if finding is not None and finding.area is not None:
        data["region"], data["area"] = finding.area.name, finding.area
    ip = request.remote_addr or ""
    domain = (form.email.data or "").rpartition("@")[2].lower()
    if letters.over_limit(campaign, ip, domain):  # quietly: a bot learns nothing
        return _check_email(campaign, form.email.data)
    # The same page whoever writes: someone whose letter went already is told so by e-mail.
    letters.write(campaign, data, ip=ip, source=tracking_fields())
    db.session.commit()
    return _check_email(campaign, form.email.data)


def _check_email(campaign: LetterCampaign, email: str) -> str:
    return render_template("actions/letters/check_email.html", campaign=campaign, email=email)


@bp.route("/letters/<slug>/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
def confirm(slug: str, token: str) -> str | tuple[str, int]:
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms, once."""
    campaign = public_campaign(slug)
    found = [x for x in letters.letters_for_token(token) if x.campaign_id == campaign.id]
    return confirmation_page(
        bool(found),
        bad_link=lambda: render_template("actions/letters/bad_link.html", campaign=campaign),
        show=lambda: render_template("actions/letters/confirm.html", campaign=campaign, letters=found),
        confirm=lambda: _confirm(campaign, found),
    )


def _confirm(campaign: LetterCampaign, found: list[Letter]) -> str | tuple[str, int]:
    """Confirm the letters (each once) and put them on their way; a closed campaign sends none."""
    try:
        queued = letters.confirm(campaign, found)
    except letters.CampaignStateError:
        db.session.rollback()
        return render_template("actions/letters/closed.html", campaign=campaign), 409
    db.session.commit()
    return render_template("actions/letters/thanks.html", campaign=campaign, already=not queued)


# ---- coordinators ---------------------------------------------------------------------------------


@bp.get("/coalitions/<slug>/letters")
@authorise(Coalition, "can_manage")
def campaigns(coalition: Coalition) -> str:
    """A coalition's letter campaigns, newest first."""
    return render_template(
        "actions/letters/campaigns.html", coalition=coalition, campaigns=letters.campaigns_of(coalition.id)
    )


@bp.route("/coalitions/<slug>/letters/new", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def new_campaign(coalition: Coalition) -> str | Response:
    """Write a letter campaign; it stays a draft, seen only by coordinators, until it is opened."""
    form = CampaignForm()
    form.targets.choices = target_choices(coalition.id)
    form.timezone.choices = zones.zone_choices(coalition.country)
    form.timezone.data = form.timezone.data or zones.country_zone(coalition.country)
    if form.add_version.data:  # "Add another version": the form again, with an empty one
        add_version_entry(form)
    elif form.validate_on_submit():
        if letters.slug_taken(form.slug.data or ""):
            form.slug.errors.append(_("Another letter campaign has this address already"))
        else:
            names = ("title", "slug", "intro", "target_mode", *DELIVERY_FIELDS)
            fields = {**{k: form.data[k] for k in names}, **form.settings()}
            campaign = letters.create_campaign(
                coalition.id,
                by=current_user,
                target_ids=form.targets.data or [],
                versions=form.version_texts(),
                **fields,
            )
            db.session.commit()
            flash(_("Draft saved. Check the page, then open it for letters."), "success")
            return redirect(url_for("letters.campaign", slug=campaign.slug))
    return render_template("actions/letters/campaign_form.html", coalition=coalition, form=form)


def target_choices(coalition_id: int) -> list[tuple[int, str]]:
    """The coalition's decision-makers, as the campaign form lists them."""
    return [
        (t.id, " · ".join(x for x in (t.name, t.role, t.body, t.region) if x))
        for t in targets_of(coalition_id)
    ]


def add_version_entry(form: CampaignForm) -> None:
    """One more (empty) version on the form, unless it has as many as a campaign may."""
    if len(form.versions) < (form.versions.max_entries or 0):
        form.versions.append_entry()
    else:
        form.add_version.errors = [_("A campaign has at most %(num)s versions.", num=MAX_VERSIONS)]


@bp.post("/letters/<slug>/open")
@authorise(LetterCampaign, "can_manage")
def open_campaign(campaign: LetterCampaign) -> Response:
    """Open a draft for letters."""
    return button_action(
        lambda: letters.open_campaign(campaign, by=current_user),
        refused=letters.CampaignStateError,
        refused_message=lambda: letters.why_not_open(campaign) or _("Only a draft can be opened."),
        done_message=_("The campaign is open for letters."),
        back=url_for("letters.campaign", slug=campaign.slug),
    )


@bp.post("/letters/<slug>/close")
@authorise(LetterCampaign, "can_manage")
def close_campaign(campaign: LetterCampaign) -> Response:
    """Close an open campaign to new letters."""
    return button_action(
        lambda: letters.close_campaign(campaign, by=current_user),
        refused=letters.CampaignStateError,
        refused_message=_("Only an open campaign can be closed."),
        done_message=_("The campaign is closed to new letters."),
        back=url_for("letters.campaign", slug=campaign.slug),
    )


@bp.get("/letters/<slug>/sent")
@authorise(LetterCampaign, "can_manage")
def sent(campaign: LetterCampaign) -> str:
    """Letters per target (queued, sent, failed) and per day."""
    tallies = letters.tallies(campaign)
    db.session.commit()  # the statuses brought up to date
    return render_template("actions/letters/sent.html", campaign=campaign, **tallies)


@bp.get("/letters/<slug>/letters.csv")
@authorise(LetterCampaign, "can_manage")
def export(campaign: LetterCampaign) -> Response:
    """Every letter, for the coordinators (cells that look like formulas are made inert)."""
    return export_download(letters.export_letters(campaign), by=current_user)


@bp.route("/letters/<slug>/responses", methods=["GET", "POST"])
@authorise(LetterCampaign, "can_manage")
def responses(campaign: LetterCampaign) -> str | Response:
    """Record what each decision-maker answered; it is shown on the public page."""
    return responses_page(
        ResponsesPage(
            title=campaign.title,
            back=url_for("letters.campaign", slug=campaign.slug),
            here=url_for("letters.responses", slug=campaign.slug),
            targets=letters.response_targets(campaign),
            record=lambda target_id, text, on: letters.record_response(
                campaign, target_id, text=text, responded_on=on, by=current_user
            ),
            refused=letters.CampaignStateError,
            responses=letters.responses_of(campaign),
            done=_("The response is recorded and shown on the campaign's page."),
            hint=_("Shown on the campaign's public page."),
        )
    )
