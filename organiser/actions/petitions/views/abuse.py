"""Coordinators' anti-abuse page for a petition: trending IPs and domains, bulk invalidation, revert."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.actions.petitions import abuse
from organiser.actions.petitions.forms import InvalidationForm
from organiser.actions.petitions.models import Invalidation, Petition, Signature
from organiser.db import db
from organiser.web.buttons import button_action
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


def _render_abuse(petition: Petition, form: InvalidationForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "actions/petitions/abuse.html",
        petition=petition,
        form=form,
        by_state=abuse.counts_by_state(petition),
        ips=abuse.trending(petition, Signature.ip),
        domains=abuse.trending(petition, Signature.email_domain),
        invalidations=abuse.invalidations_of(petition),
        button=ConfirmForm(),
    ), status


@authorise(Petition, "can_manage")
def petition_abuse(petition: Petition) -> tuple[str, int]:
    """Where signatures come from (IP addresses, e-mail domains), and bulk invalidations."""
    form = InvalidationForm()
    form.domain.data = request.args.get("domain", "")[:255]  # "take these out" links from the tables
    form.ip.data = request.args.get("ip", "")[:64]
    return _render_abuse(petition, form)


@authorise(Petition, "can_manage")
def invalidate_signatures(petition: Petition) -> Response | tuple[str, int]:
    """Shows how many signatures the filter matches; invalidates them once confirmed."""
    form = InvalidationForm()
    if not form.validate_on_submit():
        return _render_abuse(petition, form)
    filters = form.filters()
    if form.confirmed.data != "yes":
        form.confirmed.data = "yes"
        return render_template(
            "actions/petitions/abuse_confirm.html",
            petition=petition,
            form=form,
            matched=abuse.matching(petition, filters),
        ), 200
    record = abuse.invalidate(petition, filters, reason=form.reason.data, by=current_user)
    db.session.commit()
    flash(
        _(
            "%(num)s signatures invalidated. The count is now %(count)s.",
            num=record.matched,
            count=petition.signature_count,
        ),
        "success",
    )
    return redirect(url_for("petitions.petition_abuse", slug=petition.slug))


@authorise(Petition, "can_manage")
def revert_invalidation(petition: Petition, invalidation_id: int) -> Response:
    """Put an invalidation's signatures back as they were, and recount."""
    record = db.session.get(Invalidation, invalidation_id)
    if record is None or record.petition_id != petition.id:
        abort(404)
    return button_action(
        lambda: abuse.revert(record, by=current_user),
        refused=abuse.AlreadyReverted,
        refused_message=_("This invalidation was reverted already."),
        done_message=lambda: _(
            "The signatures are back. The count is now %(count)s.", count=petition.signature_count
        ),
        back=url_for("petitions.petition_abuse", slug=petition.slug),
    )
