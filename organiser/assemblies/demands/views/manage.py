"""Demands for their organisers: propose them (add, change, remove, reorder), open and close the
vote under a rule, record consensus, the kiosk on the day; and, for the coalition's coordinators,
launch an adopted demand as a petition or a letter campaign, and record its outcome."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from organiser.actions import interface
from organiser.assemblies.demands import services
from organiser.assemblies.demands.forms import (
    ConsensusForm,
    DemandForm,
    KioskCodeForm,
    LaunchForm,
    OutcomeForm,
    VotingForm,
    ballot_form,
)
from organiser.assemblies.demands.models import Demand
from organiser.assemblies.demands.views.ballot import choices_of
from organiser.assemblies.models import Assembly
from organiser.db import db, utcnow
from organiser.web.buttons import button_action
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


def _back(assembly: Assembly) -> str:
    return url_for(".manage", slug=assembly.slug)


def _with_demand(view: Callable[..., Any]) -> Callable[..., Any]:
    """The demand named in the URL, of this assembly (404 otherwise)."""

    @functools.wraps(view)
    def wrapper(assembly: Assembly, demand_id: int) -> Any:
        demand = services.demand_of(assembly, demand_id)
        if demand is None:
            abort(404)
        return view(assembly, demand)

    return wrapper


def _coordinators_only(assembly: Assembly) -> None:
    """An action is the coalition's: its coordinators launch it and record what came of it."""
    if not assembly.coalition.can_manage(current_user):
        abort(403)


def _demand_form(assembly: Assembly, demand: Demand | None = None) -> DemandForm:
    data = None
    if demand is not None:
        data = {
            "text": demand.text,
            "target": str(demand.target_id or ""),
            "addressed_to": "" if demand.target_id else demand.addressed_to,
            "source": f"charge-{demand.charge_id}" if demand.charge_id else "",
            "theme": demand.theme,
        }
    form = DemandForm(data=data)
    makers = interface.decision_makers(assembly.coalition_id)
    form.target.choices = [SelectChoice("", _("None from the list"))]
    form.target.choices += [SelectChoice(str(m.id), m.label) for m in makers]
    charges = services.charges_of(assembly)
    form.source.choices = [SelectChoice("", _("No charge: a theme"))]
    form.source.choices += [SelectChoice(f"charge-{c.id}", c.title) for c in charges]
    if not charges:
        del form.source
    return form


def _fields(form: DemandForm) -> dict[str, Any]:
    return {
        "text": form.text.data,
        "target_id": form.target_id(),
        "addressed_to": form.addressed_to.data,
        "charge_id": form.charge_id() if "source" in form else None,
        "theme": form.theme.data,
    }


@authorise(Assembly, "can_manage")
def manage(assembly: Assembly) -> str | Response:
    """The demands, the vote (its rule, window, results, the kiosk) and what each adopted one became."""
    form = _demand_form(assembly)
    if form.validate_on_submit():
        try:
            services.add_demand(assembly, by=current_user, **_fields(form))
        except services.DemandStateError:
            db.session.rollback()
            flash(_("The vote has opened: the demands can no longer change."), "error")
        else:
            db.session.commit()
            flash(_("Demand added."), "success")
        return redirect(_back(assembly))
    voting = services.voting_of(assembly)
    state = services.state_of(voting)
    demands = services.demands_of(assembly)
    return render_template(
        "assemblies/demands/manage.html",
        assembly=assembly,
        form=form,
        demands=demands,
        actions={d.id: interface.action_state(d.action_kind, services.action_id(d)) for d in demands},
        voting=voting,
        state=state,
        voting_form=VotingForm(),
        launch_form=LaunchForm(),
        consensus_form=ConsensusForm(),
        button_form=ConfirmForm(),
        results=services.results(assembly) if state == "closed" else {},
        voters=len(services.voters(assembly)),
        coordinator=assembly.coalition.can_manage(current_user),
        started=voting is not None and voting.opened_at is not None,
    )


@authorise(Assembly, "can_manage")
@_with_demand
def edit(assembly: Assembly, demand: Demand) -> str | Response:
    """Change a demand, until the vote opens."""
    form = _demand_form(assembly, demand)
    if form.validate_on_submit():
        try:
            services.update_demand(demand, by=current_user, **_fields(form))
        except services.DemandStateError:
            db.session.rollback()
            flash(_("The vote has opened: the demands can no longer change."), "error")
        else:
            db.session.commit()
            flash(_("Demand changed."), "success")
        return redirect(_back(assembly))
    return render_template("assemblies/demands/demand_form.html", assembly=assembly, demand=demand, form=form)


def _until_the_vote(act: Callable[[], object], done: str, assembly: Assembly) -> Response:
    return button_action(
        act,
        refused=services.DemandStateError,
        refused_message=_("The vote has opened: the demands can no longer change."),
        done_message=done,
        back=_back(assembly),
    )


@authorise(Assembly, "can_manage")
@_with_demand
def remove(assembly: Assembly, demand: Demand) -> Response:
    """Take a proposed demand out, until the vote opens."""
    return _until_the_vote(
        lambda: services.remove_demand(demand, by=current_user), _("Demand removed."), assembly
    )


@authorise(Assembly, "can_manage")
@_with_demand
def move_up(assembly: Assembly, demand: Demand) -> Response:
    """Move a demand one place up the list."""
    return _until_the_vote(lambda: services.move_demand(demand, -1, by=current_user), _("Moved."), assembly)


@authorise(Assembly, "can_manage")
@_with_demand
def move_down(assembly: Assembly, demand: Demand) -> Response:
    """Move a demand one place down the list."""
    return _until_the_vote(lambda: services.move_demand(demand, 1, by=current_user), _("Moved."), assembly)


def _refused(error: Exception, assembly: Assembly) -> Response:
    db.session.rollback()
    flash(str(error), "error")
    return redirect(_back(assembly))


def _form_refused(form: Any, assembly: Assembly) -> Response:
    messages = [message for errors in form.errors.values() for message in errors]
    flash(" ".join(str(m) for m in messages) or _("Try again."), "error")
    return redirect(_back(assembly))


@authorise(Assembly, "can_manage")
def open_vote(assembly: Assembly) -> Response:
    """Open the vote under the chosen rule; each voter is e-mailed their own link."""
    form = VotingForm()
    if not form.validate_on_submit():
        return _form_refused(form, assembly)
    try:
        sent = services.open_voting(assembly, form.rule.data, by=current_user)
    except services.VotingStateError as error:
        return _refused(error, assembly)
    db.session.commit()
    flash(
        ngettext(
            "The vote is open: %(num)s person was e-mailed their link.",
            "The vote is open: %(num)s people were e-mailed their link.",
            sent,
        ),
        "success",
    )
    return redirect(_back(assembly))


@authorise(Assembly, "can_manage")
def close_vote(assembly: Assembly) -> Response:
    """Close the vote: the results are shown, and each demand is adopted or not by the rule."""
    return button_action(
        lambda: services.close_voting(assembly, by=current_user),
        refused=services.VotingStateError,
        refused_message=_("Only an open vote can be closed."),
        done_message=_("The vote is closed: the results are on the assembly's page."),
        back=_back(assembly),
    )


@authorise(Assembly, "can_manage")
@_with_demand
def consensus(assembly: Assembly, demand: Demand) -> Response:
    """The chair records whether the assembly adopted the demand by consensus."""
    form = ConsensusForm()
    if not form.validate_on_submit():
        return _form_refused(form, assembly)
    try:
        services.record_consensus(demand, form.adopted.data == "yes", by=current_user)
    except services.VotingStateError as error:
        return _refused(error, assembly)
    db.session.commit()
    flash(_("The chair's record is saved."), "success")
    return redirect(_back(assembly))


@authorise(Assembly, "can_manage")
@_with_demand
def launch(assembly: Assembly, demand: Demand) -> Response:
    """Launch an adopted demand as a draft petition or letter campaign, and go and finish it."""
    _coordinators_only(assembly)
    form = LaunchForm()
    if not form.validate_on_submit():
        return _form_refused(form, assembly)
    try:
        launched = services.launch(demand, form.kind.data, by=current_user)
    except services.LaunchStateError as error:
        return _refused(error, assembly)
    db.session.commit()
    flash(_("The draft is ready: finish it, then open it."), "success")
    return redirect(launched.manage_url)


@authorise(Assembly, "can_manage")
@_with_demand
def outcome(assembly: Assembly, demand: Demand) -> str | Response:
    """Where the demand's action stands (delivered, responded, partly won, won), with a dated note."""
    _coordinators_only(assembly)
    form = OutcomeForm(data={"outcome": demand.outcome, "note": demand.outcome_note, "on": demand.outcome_on})
    if demand.outcome_on is None:
        form.on.data = form.on.data or utcnow().date()
    if form.validate_on_submit():
        try:
            services.set_outcome(
                demand, form.outcome.data, note=form.note.data or "", on=form.on.data, by=current_user
            )
        except services.LaunchStateError as error:
            return _refused(error, assembly)
        db.session.commit()
        flash(_("Saved: the assembly's page shows it."), "success")
        return redirect(url_for("assemblies.public", slug=assembly.slug))
    return render_template("assemblies/demands/outcome.html", assembly=assembly, demand=demand, form=form)


# ---- the kiosk on the day ----------------------------------------------------------------------------


# The device a kiosk runs on is signed out and remembers only which assembly's kiosk it is: the
# people who vote there can reach the kiosk and nothing of the organiser who opened it.
KIOSK_DEVICE = "kiosk_assembly"


@authorise(Assembly, "can_manage")
def open_kiosk(assembly: Assembly) -> Response:
    """Turn this device into the kiosk: the organiser is signed out on it (signing in again leaves
    the kiosk), and the device keeps only the assembly whose kiosk it is."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.open_kiosk(assembly, by=current_user)
    except services.VotingStateError as error:
        return _refused(error, assembly)
    db.session.commit()
    logout_user()
    session[KIOSK_DEVICE] = assembly.id
    return redirect(url_for(".kiosk", slug=assembly.slug))


def kiosk_device(view: Callable[..., Any]) -> Callable[..., Any]:
    """The kiosk's pages: for the device the kiosk was opened on, and for the assembly's organisers."""

    @functools.wraps(view)
    def wrapper(slug: str, **kwargs: Any) -> Any:
        assembly = db.session.scalar(select(Assembly).where(Assembly.slug == slug))
        if assembly is None:
            abort(404)
        if session.get(KIOSK_DEVICE) != assembly.id:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not assembly.can_manage(current_user):
                abort(403)
        return view(assembly, **kwargs)

    return wrapper


def _kiosk_page(assembly: Assembly, **context: Any) -> str:
    voting = services.voting_of(assembly)
    return render_template(
        "assemblies/demands/kiosk.html",
        assembly=assembly,
        open=services.state_of(voting) == "open" and voting.kiosk_open,
        **context,
    )


@kiosk_device
def kiosk(assembly: Assembly) -> str:
    """The kiosk: a person types their check-in code, then votes; the page resets for the next one."""
    form = KioskCodeForm()
    voting = services.voting_of(assembly)
    if not (services.state_of(voting) == "open" and voting.kiosk_open) or not form.validate_on_submit():
        return _kiosk_page(assembly, form=form)
    registration = services.registration_by_code(assembly, form.code.data)
    if registration is None or not services.may_vote(registration):
        form.code.errors.append(_("No confirmed place at this assembly has this code"))
        return _kiosk_page(assembly, form=form)
    demands = services.demands_of(assembly)
    ballot = ballot_form([d.id for d in demands], public=False)
    return _kiosk_page(
        assembly,
        form=form,
        ballot=ballot,
        demands=demands,
        registration=registration,
        token=services.kiosk_token(registration),
        voted=services.votes_of(registration),
    )


@kiosk_device
def kiosk_vote(assembly: Assembly, token: str) -> Response:
    """The kiosk's ballot: recorded once, then the kiosk is ready for the next person."""
    registration = services.registration_for_kiosk(token)
    if registration is None or registration.assembly_id != assembly.id:
        abort(404)
    ballot = ballot_form([d.id for d in services.demands_of(assembly)], public=False)
    if not ballot.validate_on_submit():
        flash(_("Choose for, against or abstain for each demand, then try again."), "error")
        return redirect(url_for(".kiosk", slug=assembly.slug))
    try:
        services.cast(registration, choices_of(ballot), at_kiosk=True)
    except services.VotingStateError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".kiosk", slug=assembly.slug))
    db.session.commit()
    flash(_("Thank you: your vote is recorded. Next person, please."), "success")
    return redirect(url_for(".kiosk", slug=assembly.slug))
