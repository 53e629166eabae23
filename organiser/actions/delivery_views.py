"""Coordinators' pages around a petition — decision-makers (targets) and their import, the petition's
targets, delivery, responses, the report with its charts — and the public embed widget."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions import delivery, sponsors, targets
from organiser.actions.embed import embed_snippet
from organiser.actions.models import Petition
from organiser.actions.report import chart_sections
from organiser.actions.report import report as petition_report
from organiser.actions.target_forms import (
    DeliveryForm,
    PetitionTargetsForm,
    ResponseForm,
    TargetForm,
    TargetImportForm,
)
from organiser.actions.views import _public_petition, _sign_form
from organiser.coalitions.forms import ConfirmImportForm
from organiser.coalitions.import_pages import ImportPages, import_page
from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.web.permissions import authorise

bp = Blueprint("petition_tools", __name__)
# Pages (the petition's coordinator controls) show the snippet to paste; sponsors' pages may too.
bp.add_app_template_global(embed_snippet, "embed_snippet")
# The petition's public page shows the delivery and the responses (templates/actions/_responses_public.html).
bp.add_app_template_global(delivery.responses_of, "petition_responses")
bp.add_app_template_global(delivery.delivery_of, "petition_delivery")


# ---- decision-makers --------------------------------------------------------------------------------


@bp.route("/coalitions/<slug>/targets", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def coalition_targets(coalition: Coalition) -> str | Response:
    """The coalition's decision-makers; add one with the form."""
    form = TargetForm()
    if form.validate_on_submit():
        if targets.email_taken(coalition.id, form.email.data or ""):
            form.email.errors.append(_("A decision-maker with this address is on the list already"))
        else:
            fields = {k: form.data[k] or "" for k in targets.FIELDS}
            target = targets.add_target(coalition.id, by=current_user, **fields)
            db.session.commit()
            flash(_("%(name)s is on the list.", name=target.name), "success")
            return redirect(url_for("petition_tools.coalition_targets", slug=coalition.slug))
    return render_template(
        "actions/targets.html", coalition=coalition, targets=targets.targets_of(coalition.id), form=form
    )


@bp.route("/coalitions/<slug>/targets/import", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def import_targets(coalition: Coalition) -> str | Response:
    """Upload a CSV, see every row checked, then confirm: nothing is written before that."""
    pages = ImportPages(
        parse=lambda text: targets.parse(text, coalition.id),
        write=lambda rows: targets.import_targets(coalition.id, rows, by=current_user),
        done=lambda written, skipped: _(
            "%(written)s decision-makers imported; %(skipped)s rows skipped.",
            written=written,
            skipped=skipped,
        ),
        templates=("actions/targets_import.html", "actions/targets_import_preview.html"),
        upload_url=url_for("petition_tools.import_targets", slug=coalition.slug),
        after_url=url_for("petition_tools.coalition_targets", slug=coalition.slug),
    )
    return import_page(pages, TargetImportForm(), ConfirmImportForm(), coalition=coalition)


@bp.route("/petitions/<slug>/targets", methods=["GET", "POST"])
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
            targets.set_petition_targets(petition, form.targets.data or [], by=current_user)
        except targets.TargetStateError:
            db.session.rollback()
            flash(_("A delivered petition keeps the targets it was delivered to."), "error")
        else:
            db.session.commit()
            flash(_("Saved: who the petition is addressed to."), "success")
        return redirect(url_for("actions.petition", slug=petition.slug))
    return render_template("actions/petition_targets.html", petition=petition, form=form)


# ---- delivery and responses ---------------------------------------------------------------------------


@bp.route("/petitions/<slug>/deliver", methods=["GET", "POST"])
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
            return redirect(url_for("actions.petition", slug=petition.slug))
        db.session.commit()
        flash(
            _(
                "Delivered to %(n)s decision-makers, with %(count)s signatures.",
                n=len(done.recipients),
                count=done.signature_count,
            ),
            "success",
        )
        return redirect(url_for("actions.petition", slug=petition.slug))
    return render_template(
        "actions/deliver.html",
        petition=petition,
        form=form,
        public_signers=delivery.public_signer_count(petition),
        delivered=delivery.delivery_of(petition),
    )


@bp.route("/petitions/<slug>/responses", methods=["GET", "POST"])
@authorise(Petition, "can_manage")
def responses(petition: Petition) -> str | Response:
    """Record what each decision-maker answered; it is shown on the public page."""
    form = ResponseForm()
    form.target.choices = [(0, _("Choose who responded"))] + [(t.id, t.name) for t in petition.targets]
    if form.validate_on_submit():
        try:
            delivery.record_response(
                petition,
                form.target.data,
                text=form.text.data or "",
                responded_on=form.responded_on.data,
                by=current_user,
            )
        except delivery.DeliveryError as exc:
            db.session.rollback()
            form.target.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The response is recorded and shown on the petition's page."), "success")
            return redirect(url_for("petition_tools.responses", slug=petition.slug))
    return render_template(
        "actions/responses.html",
        petition=petition,
        form=form,
        responses=delivery.responses_of(petition),
        delivered=delivery.delivery_of(petition),
    )


# ---- the report --------------------------------------------------------------------------------------


@bp.get("/petitions/<slug>/report")
@authorise(Petition, "can_manage")
def report(petition: Petition) -> str:
    """Confirmed signatures by day, source, region and country: charts drawn on the server, and tables."""
    return render_template(
        "actions/report.html",
        petition=petition,
        sections=chart_sections(petition_report(petition)),
    )


# ---- the embed widget ----------------------------------------------------------------------------------


@bp.get("/petitions/<slug>/embed")
def embed(slug: str) -> tuple[str, int]:
    """The compact petition for another site's iframe: the count, the sign form, a link to the page."""
    petition = _public_petition(slug)
    g.frameable = True
    return render_template(
        "actions/embed.html",
        petition=petition,
        form=_sign_form(),
        source=request.args.get("source", ""),
        consent_wording=_consent(petition),
        **sponsors.page_context(petition, request.args.get("source", "")),
    ), 200


def _consent(petition: Petition) -> str:
    from organiser.actions.services import consent_wording

    return consent_wording(petition)
