"""Co-sponsors: coordinators invite member organisations; an organisation's admins answer, find their
tracking links, and see and export the supporters they brought in who agreed to hear from them.
Milestones: coordinators set the counts at which they and the sponsors are told.

Routes on the ``actions`` blueprint (imported at the end of ``views.py``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from organiser.actions.petitions import milestones, sponsors
from organiser.actions.petitions.forms import MilestonesForm
from organiser.actions.petitions.models import Petition
from organiser.actions.sponsorship import views as sponsorship
from organiser.coalitions.models import Organisation
from organiser.db import db
from organiser.web.downloads import export_download
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


@authorise(Petition, "can_manage")
def sponsors_page(petition: Petition) -> str | Response:
    """Coordinators invite co-sponsors and see each one's answer and tracking link."""
    form, invited = sponsorship.invitation_form(sponsors.PETITIONS, petition)
    if invited is not None:
        return redirect(url_for("petitions.sponsors", slug=petition.slug))
    return render_template(
        "actions/petitions/sponsors.html",
        petition=petition,
        form=form,
        sponsors=sponsors.sponsors_of(petition),
        tracking_link=sponsors.tracking_link,
        status_labels=sponsorship.STATUS_LABELS,
    )


@authorise(Organisation, "can_manage")
def sponsorships(organisation: Organisation) -> str:
    """An organisation's admins answer invitations to co-sponsor and find their tracking links."""
    return render_template(
        "actions/petitions/sponsorships.html",
        organisation=organisation,
        sponsorships=sponsors.sponsorships_of(organisation),
        tracking_link=sponsors.tracking_link,
        status_labels=sponsorship.STATUS_LABELS,
        form=ConfirmForm(),
    )


def _answer(sponsorship_id: int, *, accept: bool) -> Response:
    return sponsorship.answer(sponsors.PETITIONS, sponsorship_id, accept=accept)


@login_required
def accept_sponsorship(sponsorship_id: int) -> Response:
    """The organisation's admin accepts: it is named on the petition and its tracking link works."""
    return _answer(sponsorship_id, accept=True)


@login_required
def decline_sponsorship(sponsorship_id: int) -> Response:
    """The organisation's admin declines the invitation."""
    return _answer(sponsorship_id, accept=False)


@authorise(Organisation, "can_manage")
def supporters(organisation: Organisation) -> str:
    """The supporters the organisation brought in who agreed to hear from it, and its tracking links."""
    rows = sponsors.supporters_of(organisation)
    accepted = [s for s in sponsors.sponsorships_of(organisation) if s.status == "accepted"]
    return render_template(
        "actions/petitions/supporters.html",
        organisation=organisation,
        rows=rows,
        people=len({person.id for _s, person, _p, _c in rows}),
        accepted=accepted,
        tracking_link=sponsors.tracking_link,
    )


@authorise(Organisation, "can_manage")
def organisation_new_mailing(organisation: Organisation) -> str | Response:
    """Write to the supporters the organisation brought in who agreed to hear from it; the mailing
    is then checked, tested, sent, paused and followed on the same pages as a coalition's."""
    from organiser.messaging.forms import MailingForm
    from organiser.messaging.services import mailings as mailing_services
    from organiser.messaging.views import mailing_fields, organisation_segment_field_choices

    coalition = sponsors.mailing_coalition(organisation)
    if coalition is None:
        flash(
            _("Co-sponsor a petition first: then you can write to the people who sign through your link."),
            "info",
        )
        return redirect(url_for("petitions.supporters", slug=organisation.slug))
    form = MailingForm()
    form.segments.choices = organisation_segment_field_choices(organisation)
    if not form.is_submitted():
        form.from_name.data = organisation.name
        form.segments.data = [choice.value for choice in form.segments.choices]
    if form.validate_on_submit():
        mailing = mailing_services.create_mailing(
            coalition.id, by=current_user, organisation_id=organisation.id, **mailing_fields(form)
        )
        db.session.commit()
        flash(_("Draft saved. Check who gets it, send yourself a test, then send or schedule it."), "success")
        return redirect(url_for("messaging.mailing", id=mailing.id))
    return render_template(
        "messaging/mailing_form.html", form=form, coalition=coalition, organisation=organisation, mailing=None
    )


@authorise(Organisation, "can_manage")
def export_supporters(organisation: Organisation) -> Response:
    """The same supporters as CSV (cells that look like formulas are made inert); logged."""
    return export_download(sponsors.export_supporters(organisation), by=current_user)


@authorise(Petition, "can_manage")
def milestones_page(petition: Petition) -> str | Response:
    """Coordinators set the signature counts at which they and the co-sponsors are told."""
    form = MilestonesForm(data={"milestones": milestones.format_milestones(petition.milestones or [])})
    if form.validate_on_submit():
        milestones.set_milestones(
            petition, milestones.parse_milestones(form.milestones.data or ""), by=current_user
        )
        db.session.commit()
        flash(_("Milestones saved."), "success")
        return redirect(url_for("petitions.milestones", slug=petition.slug))
    return render_template(
        "actions/petitions/milestones.html",
        petition=petition,
        form=form,
        thresholds=milestones.thresholds(petition),
        reached={m.threshold: m for m in milestones.reached(petition)},
    )
