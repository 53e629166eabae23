"""Coordinators' pages around a petition — decision-makers (targets) and their import, the petition's
targets, delivery, responses, the report with its charts — and the public embed widget."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.petitions import delivery, sponsors
from organiser.actions.petitions.forms import DeliveryForm, PetitionTargetsForm
from organiser.actions.petitions.models import Petition
from organiser.actions.petitions.report import chart_sections
from organiser.actions.petitions.report import report as petition_report
from organiser.actions.petitions.views.public import public_petition, sign_form
from organiser.actions.targets import services as targets
from organiser.actions.targets.views import ResponsesPage, responses_page
from organiser.db import db
from organiser.web.permissions import authorise


@authorise(Petition, "can_manage")
def petition_targets(petition: Petition) -> str | Response:
    """Choose who the petition is addressed to, from the coalition's decision-makers."""
    form = PetitionTargetsForm()
    choices = targets.targets_of(petition.coalition_id)
    form.targets.choices = [(t.id, " · ".join(x for x in (t.name, t.role, t.body) if x)) for t in choices]
    if request.method == "GET":
        form.targets.data = [t.id for t in petition.targets]
    elif form.validate_on_submit():
        try:
            delivery.set_petition_targets(petition, form.targets.data or [], by=current_user)
        except delivery.TargetStateError:
            db.session.rollback()
            flash(_("A delivered petition keeps the targets it was delivered to."), "error")
        else:
            db.session.commit()
            flash(_("Saved: who the petition is addressed to."), "success")
        return redirect(url_for("petitions.petition", slug=petition.slug))
    return render_template("actions/petitions/petition_targets.html", petition=petition, form=form)


# ---- delivery and responses ---------------------------------------------------------------------------


@authorise(Petition, "can_manage")
def deliver(petition: Petition) -> str | Response:
    """Show who gets the closed petition and at what count; on confirming, e-mail each of them."""
    form = DeliveryForm()
    if form.validate_on_submit():
        try:
            done = delivery.deliver(petition, message=form.message.data or "", by=current_user)
        except delivery.DeliveryError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("petitions.petition", slug=petition.slug))
        db.session.commit()
        flash(
            _(
                "Delivered to %(n)s decision-makers, with %(count)s signatures.",
                n=len(done.recipients),
                count=done.signature_count,
            ),
            "success",
        )
        return redirect(url_for("petitions.petition", slug=petition.slug))
    return render_template(
        "actions/petitions/deliver.html",
        petition=petition,
        form=form,
        public_signers=delivery.public_signer_count(petition),
        delivered=delivery.delivery_of(petition),
    )


@authorise(Petition, "can_manage")
def responses(petition: Petition) -> str | Response:
    """Record what each decision-maker answered; it is shown on the petition's page."""
    delivered = delivery.delivery_of(petition)
    return responses_page(
        ResponsesPage(
            title=petition.title,
            back=url_for("petitions.petition", slug=petition.slug),
            here=url_for("petitions.responses", slug=petition.slug),
            targets=list(petition.targets),
            record=lambda target_id, text, on: delivery.record_response(
                petition, target_id, text=text, responded_on=on, by=current_user
            ),
            refused=delivery.DeliveryError,
            responses=delivery.responses_of(petition),
            done=_("The response is recorded and shown on the petition's page."),
            hint=_(
                "Shown on the petition's public page. The first time a response is recorded, it is also "
                "e-mailed to the signers who agreed to hear from %(coalition)s.",
                coalition=petition.coalition.name,
            ),
            unavailable=""
            if delivery.may_record_responses(petition)
            else _("Responses can be recorded once the petition is delivered."),
            note=ngettext(
                "Delivered on %(date)s with %(num)s signature.",
                "Delivered on %(date)s with %(num)s signatures.",
                delivered.signature_count,
                date=format_date(delivered.delivered_at),
            )
            if delivered
            else "",
        )
    )


# ---- the report --------------------------------------------------------------------------------------


@authorise(Petition, "can_manage")
def report(petition: Petition) -> str:
    """Confirmed signatures by day, source, region and country: charts drawn on the server, and tables."""
    return render_template(
        "actions/petitions/report.html",
        petition=petition,
        sections=chart_sections(petition_report(petition)),
    )


# ---- the embed widget ----------------------------------------------------------------------------------


def embed(slug: str) -> tuple[str, int]:
    """The compact petition for another site's iframe: the count, the sign form, a link to the page."""
    petition = public_petition(slug)
    g.frameable = True
    return render_template(
        "actions/petitions/embed.html",
        petition=petition,
        form=sign_form(),
        source=request.args.get("source", ""),
        consent_wording=_consent(petition),
        **sponsors.page_context(petition, request.args.get("source", "")),
    ), 200


def _consent(petition: Petition) -> str:
    from organiser.actions.petitions.services import consent_wording

    return consent_wording(petition)
