"""People's own data page (reached through a link e-mailed to them, no account), and coordinators'
privacy page: settings, the log of exports and erasures, a person's consent history, erasure."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.extensions import limiter
from organiser.people.models import Person
from organiser.people.services import supporter_email
from organiser.privacy import services
from organiser.privacy.forms import (
    CoordinatorEraseForm,
    DataLinkForm,
    EraseForm,
    FindPersonForm,
    PrivacySettingsForm,
)
from organiser.privacy.registry import personal_data_sources
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise

bp = Blueprint("privacy", __name__)


@bp.route("/my-data", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_link() -> str:
    """Ask for a link to your own data; the answer is the same whether or not we know the address."""
    form = DataLinkForm()
    if form.validate_on_submit():
        services.send_data_link(form.email.data)
        db.session.commit()
        return render_template("privacy/link_sent.html", email=form.email.data)
    return render_template("privacy/request_link.html", form=form)


def _people_for(token: str) -> tuple[str, list[Person]]:
    email, expired = services.read_data_link_token(token)
    if email is None:
        abort(Response(render_template("privacy/bad_link.html", expired=expired), 404, mimetype="text/html"))
    people = services.people_with_email(email)
    if not people:
        abort(Response(render_template("privacy/nothing_held.html"), 404, mimetype="text/html"))
    return email, people


@bp.get("/my-data/<token>")
def my_data(token: str) -> str:
    """What we hold about you, who may contact you, and what you can do about it."""
    email, people = _people_for(token)
    return render_template(
        "privacy/my_data.html",
        token=token,
        email=email,
        records=[(p, services.person_data(p)) for p in people],
        labels={s.name: s.label for s in personal_data_sources()},
        person_states=services.consent_states,
        subject_name=services.subject_name,
        form=ConfirmForm(),
    )


@bp.post("/my-data/<token>/consents")
def change_consents(token: str) -> Response:
    """Save the consent boxes: each real change is a new entry in the ledger."""
    _email, people = _people_for(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    changed = 0
    shown = set(request.form.getlist("shown"))  # only the boxes the page showed: a consent given
    for person in people:  # since (signing elsewhere in another tab) is not taken as withdrawn
        wanted = {
            (state.subject_type, state.subject_id): f"consent-{person.id}-{state.id}" in request.form
            for state in services.consent_states(person)
            if f"consent-{person.id}-{state.id}" in shown
        }
        changed += services.change_consents(person, wanted, source="own data page")
    db.session.commit()
    flash(
        _("Your choices are saved.") if changed else _("Nothing changed: your choices were already these."),
        "success",
    )
    return redirect(url_for("privacy.my_data", token=token))


@bp.get("/my-data/<token>/data.<fmt>")
def download(token: str, fmt: str) -> Response:
    """Everything we hold about you, as JSON or CSV."""
    email, people = _people_for(token)
    if fmt == "json":
        body, mimetype = services.export_json(people), "application/json"
    elif fmt == "csv":
        body, mimetype = services.export_csv(people), "text/csv; charset=utf-8"
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="my-data.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/my-data/<token>/erase", methods=["GET", "POST"])
def erase(token: str) -> str | Response:
    """Erase everything about you. GET explains and asks; only the button (POST) erases."""
    email, people = _people_for(token)
    form = EraseForm()
    if form.validate_on_submit():
        for person in people:
            services.erase_person(person, requested_by="person")
        db.session.commit()
        return render_template("privacy/erased.html")
    return render_template("privacy/erase.html", form=form, email=email, token=token)


# ---- coordinators --------------------------------------------------------------------------------


def _tree_root(coalition: Coalition) -> Coalition:
    return coalition.lineage()[-1]


@bp.route("/coalitions/<slug>/privacy", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def privacy(coalition: Coalition) -> str | Response:
    """Retention and sensitivity settings, the export log, erasures, and finding a person."""
    form = PrivacySettingsForm(obj=coalition)
    if form.validate_on_submit():
        coalition.retention_months = form.retention_months.data or None
        coalition.sensitive = bool(form.sensitive.data)
        db.session.commit()
        flash(_("Privacy settings saved."), "success")
        return redirect(url_for("privacy.privacy", slug=coalition.slug))
    root = _tree_root(coalition)
    return render_template(
        "privacy/coalition.html",
        coalition=coalition,
        root=root,
        controller=root.can_manage(current_user),
        form=form,
        find_form=FindPersonForm(formdata=None),
        exports=services.exports_of(coalition),
        erasures=services.erasures_of(root.id) if root.can_manage(current_user) else [],
        last_run=services.last_retention_run(coalition),
        ip_days=current_app.config["IP_RETENTION_DAYS"],
    )


@bp.post("/coalitions/<slug>/people/find")
@authorise(Coalition, "can_manage")
def find_person(coalition: Coalition) -> str | Response:
    """Look a supporter up by e-mail (coordinators of the alliance at the top of the tree only:
    it holds the data; a chapter's coordinators are sent to them)."""
    root = _tree_root(coalition)
    if not root.can_manage(current_user):
        abort(403)
    form = FindPersonForm()
    if form.validate_on_submit():
        person = db.session.scalar(
            select(Person).where(Person.tree_id == root.id, Person.email == supporter_email(form.email.data))
        )
        if person is not None:
            return redirect(url_for("privacy.person", slug=root.slug, person_id=person.id))
        form.email.errors.append(_("No supporter of %(name)s has this address.", name=root.name))
    return render_template(
        "privacy/coalition.html",
        coalition=coalition,
        root=root,
        controller=True,
        form=PrivacySettingsForm(obj=coalition, formdata=None),
        find_form=form,
        exports=services.exports_of(coalition),
        erasures=services.erasures_of(root.id),
        last_run=services.last_retention_run(coalition),
        ip_days=current_app.config["IP_RETENTION_DAYS"],
    )


def _person_in(coalition: Coalition, person_id: int) -> Person:
    if coalition.parent_id is not None:
        abort(404)
    person = db.session.get(Person, person_id)
    if person is None or person.tree_id != coalition.id:
        abort(404)
    return person


@bp.route("/coalitions/<slug>/people/<int:person_id>", methods=["GET", "POST"])
@authorise(Coalition, "can_manage")
def person(coalition: Coalition, person_id: int) -> str | Response:
    """A supporter's data and consent history; erase them on their request, with a reason."""
    found = _person_in(coalition, person_id)
    form = CoordinatorEraseForm()
    if form.validate_on_submit():
        services.erase_person(found, requested_by="coordinator", by=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("The person's data is erased. Counts are unchanged."), "success")
        return redirect(url_for("privacy.privacy", slug=coalition.slug))
    return render_template(
        "privacy/person.html",
        coalition=coalition,
        person=found,
        data=services.person_data(found),
        labels={s.name: s.label for s in personal_data_sources()},
        form=form,
    )
