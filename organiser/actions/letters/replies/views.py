"""Replies' pages, on the letters blueprint: the writer's answer page (from the e-mailed link), the
coordinators' report with its chart and CSV, and their choice to show responsiveness publicly."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from organiser.actions.letters import services as letters
from organiser.actions.letters.models import LetterCampaign
from organiser.actions.letters.replies import follow_ups, report
from organiser.actions.letters.replies.forms import AnswerForm, ResponsivenessForm
from organiser.actions.letters.replies.models import LetterFollowUp
from organiser.actions.letters.views import bp
from organiser.db import db
from organiser.extensions import csrf
from organiser.web.charts import bar_chart
from organiser.web.downloads import export_download
from organiser.web.permissions import authorise, public_or_404


# The e-mailed link is the key (no account, no session): no CSRF token. GET shows the buttons and
# changes nothing (mail scanners follow links); POST records the first answer to each question.
@bp.route("/letters/<slug>/reply/<token>", methods=["GET", "POST"])
@csrf.exempt
def reply(slug: str, token: str) -> str | tuple[str, int]:
    """Did the decision-maker reply? Yes (with what they said), not yet, or no."""
    campaign = public_or_404(letters.by_slug(slug))
    follow_up = follow_ups.follow_up_for_token(token)
    if follow_up is None or follow_up.campaign_id != campaign.id:
        return render_template("actions/letters/bad_link.html", campaign=campaign), 404
    form = AnswerForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and follow_up.may_answer and form.validate():
        follow_ups.record_answer(
            follow_up,
            form.answer.data,
            summary=form.summary.data or "",
            may_share=form.may_share.data,
            replied_on=form.replied_on.data,
        )
        db.session.commit()
        return _answer_page(campaign, follow_up, form, thanks=True)
    return _answer_page(campaign, follow_up, form, thanks=False)


def _answer_page(
    campaign: LetterCampaign, follow_up: LetterFollowUp, form: AnswerForm, *, thanks: bool
) -> str:
    letter = follow_up.letter
    return render_template(
        "actions/letters/reply.html",
        campaign=campaign,
        follow_up=follow_up,
        target=letter.target,
        letter=letter,
        form=form,
        thanks=thanks,
    )


# ---- coordinators ---------------------------------------------------------------------------------


def _share_chart(found: report.Report) -> Markup:
    rows = [(row.name, row.share or 0) for row in found.per_target if row.answered]
    return bar_chart(
        rows,
        chart_id="reply-share",
        title=_("Writers who heard back, per decision-maker (%)"),
        description=_("The highest share is %(n)s %%.", n=max((n for _name, n in rows), default=0)),
        empty=_("No writer has answered the follow-up yet."),
    )


@bp.get("/letters/<slug>/report")
@authorise(LetterCampaign, "can_manage")
def report_page(campaign: LetterCampaign) -> str:
    """Per decision-maker and per area: letters delivered, waiting and failed, replies, the share
    who heard back and the median days to a reply; with a chart and the CSV."""
    found = report.report(campaign)
    db.session.commit()  # the statuses brought up to date
    return render_template(
        "actions/letters/report.html",
        campaign=campaign,
        report=found,
        chart=_share_chart(found),
        shared=follow_ups.shared_summaries(campaign),
        form=ResponsivenessForm(data={"show": campaign.show_responsiveness}),
    )


@bp.get("/letters/<slug>/report.csv")
@authorise(LetterCampaign, "can_manage")
def export_report(campaign: LetterCampaign) -> Response:
    """The report as CSV (cells that look like formulas are made inert; the download is logged)."""
    return export_download(report.export_report(campaign), by=current_user)


@bp.post("/letters/<slug>/responsiveness")
@authorise(LetterCampaign, "can_manage")
def set_responsiveness(campaign: LetterCampaign) -> Response:
    """Show or hide, on the public page, how many writers heard back from each decision-maker."""
    form = ResponsivenessForm()
    if form.validate_on_submit():
        report.set_responsiveness(campaign, bool(form.show.data), by=current_user)
        db.session.commit()
        flash(
            _("The public page shows who replied.")
            if form.show.data
            else _("The public page no longer shows who replied."),
            "success",
        )
    return redirect(url_for("letters.report_page", slug=campaign.slug))
