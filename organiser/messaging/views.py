"""Mailings for coordinators, unsubscribe pages for recipients, the bounce webhook, the local outbox."""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from organiser.core.models import normalise_email
from organiser.db import db
from organiser.extensions import csrf, limiter
from organiser.messaging.forms import MailingForm, ScheduleForm, UnsubscribeForm
from organiser.messaging.models import BounceKind, Mailing, MailingStatus, OutboxAttachment, OutboxMessage
from organiser.messaging.owners import owner_of
from organiser.messaging.render import markdown_to_html
from organiser.messaging.services import mailings as mailing_services
from organiser.messaging.services.audiences import (
    audience_counts,
    organisation_segment_choices,
    segment_choices,
)
from organiser.messaging.services.outbox import recent_messages, status_counts
from organiser.messaging.services.suppression import read_unsubscribe_token, record_bounce, unsubscribe
from organiser.people.models import ConsentSubject, Person
from organiser.web.buttons import button_action
from organiser.web.forms import ConfirmForm
from organiser.web.inputs import without_controls
from organiser.web.permissions import authorise

bp = Blueprint("messaging", __name__)

MAILING_STATUS_LABELS = {  # how pages name a mailing's status
    "draft": _l("Draft"),
    "scheduled": _l("Scheduled"),
    "sending": _l("Sending"),
    "paused": _l("Paused"),
    "sent": _l("Sent"),
    "cancelled": _l("Cancelled"),
}
_LINK = re.compile(r"https?://[^\s<>\"]+")


# ---- mailings --------------------------------------------------------------------------------


def segment_field_choices(coalition: Any) -> list[SelectChoice]:
    return [
        SelectChoice(json.dumps({"kind": kind, "params": params}, sort_keys=True), label)
        for kind, params, label in segment_choices(coalition)
    ]


def organisation_segment_field_choices(organisation: Any) -> list[SelectChoice]:
    return [
        SelectChoice(json.dumps({"kind": kind, "params": params}, sort_keys=True), label)
        for kind, params, label in organisation_segment_choices(organisation)
    ]


def mailing_fields(form: MailingForm) -> dict[str, Any]:
    return {
        "subject": form.subject.data.strip(),
        "from_name": (form.from_name.data or "").strip(),
        "reply_to": (form.reply_to.data or "").strip(),
        "body_markdown": form.body_markdown.data,
        "segments": [json.loads(value) for value in form.segments.data],
    }


@bp.route("/mailings/<int:id>/edit", methods=["GET", "POST"])
@authorise(Mailing, "can_manage", by="id")
def edit_mailing(mailing: Mailing) -> str | Response:
    """Change a draft or scheduled mailing."""
    if not mailing.editable:
        flash(_("This mailing has started: it can no longer be changed."), "error")
        return redirect(url_for("messaging.mailing", id=mailing.id))
    form = MailingForm(obj=mailing)
    owner = owner_of(mailing)
    form.segments.choices = (
        organisation_segment_field_choices(owner.organisation)
        if owner.organisation is not None
        else segment_field_choices(owner.coalition)
    )
    if request.method == "GET":
        form.segments.data = [
            json.dumps({"kind": s["kind"], "params": s.get("params", {})}, sort_keys=True)
            for s in mailing.segments
        ]
    if form.validate_on_submit():
        mailing_services.update_mailing(mailing, **mailing_fields(form))
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("messaging.mailing", id=mailing.id))
    return render_template(
        "messaging/mailing_form.html",
        form=form,
        coalition=owner.coalition,
        organisation=owner.organisation,
        mailing=mailing,
    )


def _mailing_page(mailing: Mailing, schedule_form: ScheduleForm) -> str:
    will_receive, suppressed = audience_counts(mailing) if mailing.editable else (None, None)
    counts = status_counts(mailing.id)
    return render_template(
        "messaging/mailing.html",
        mailing=mailing,
        coalition=owner_of(mailing).coalition,
        organisation=owner_of(mailing).organisation,
        form=ConfirmForm(),
        schedule_form=schedule_form,
        preview=Markup(markdown_to_html(mailing.body_markdown)),  # noqa: S704 (sanitised by nh3)
        will_receive=will_receive,
        suppressed=suppressed,
        counts=counts,
        done=sum(counts[s] for s in ("sent", "failed", "suppressed", "cancelled")),
        total=mailing.recipient_total or 0,
        refresh=mailing.status == MailingStatus.SENDING,
    )


@bp.get("/mailings/<int:id>")
@authorise(Mailing, "can_manage", by="id")
def mailing(mailing: Mailing) -> str:
    """A mailing: preview, who gets it, the actions its state allows, and progress once it sends."""
    return _mailing_page(mailing, ScheduleForm())


_DONE = {
    "start": _l("Sending has started."),
    "pause": _l("Paused. Nobody else gets it until you resume."),
    "resume": _l("Sending again, from where it stopped."),
    "cancel": _l("Cancelled. Nobody else will get it."),
    "unschedule": _l("No longer scheduled: it is a draft again."),
}


def _act(mailing: Mailing, action: str) -> Response:
    return button_action(
        lambda: getattr(mailing_services, action)(mailing, by=current_user),
        refused=mailing_services.MailingStateError,
        refused_message=_("That cannot be done to this mailing now. The page shows what it is doing."),
        done_message=str(_DONE[action]),
        back=url_for("messaging.mailing", id=mailing.id),
    )


for _action in ("start", "pause", "resume", "cancel", "unschedule"):

    def _view(mailing: Mailing, _name: str = _action) -> Response:
        return _act(mailing, _name)

    _view.__name__ = f"{_action}_mailing"
    _view.__doc__ = f"{_action.capitalize()} the mailing (a POST with the form's token)."
    bp.add_url_rule(
        f"/mailings/<int:id>/{_action}",
        view_func=authorise(Mailing, "can_manage", by="id")(_view),
        methods=["POST"],
    )


@bp.post("/mailings/<int:id>/test")
@authorise(Mailing, "can_manage", by="id")
def test_mailing(mailing: Mailing) -> Response:
    """Send the mailing to yourself, as recipients will see it."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mailing_services.send_test(mailing, current_user.email)
    db.session.commit()
    flash(_("A test is on its way to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("messaging.mailing", id=mailing.id))


@bp.post("/mailings/<int:id>/schedule")
@authorise(Mailing, "can_manage", by="id")
def schedule_mailing(mailing: Mailing) -> str | Response:
    """Send it later, at a set time (UTC)."""
    form = ScheduleForm()
    if form.validate_on_submit() and mailing.editable:
        from datetime import UTC

        mailing_services.schedule(mailing, form.when.data.replace(tzinfo=UTC), by=current_user)
        db.session.commit()
        flash(_("Scheduled."), "success")
        return redirect(url_for("messaging.mailing", id=mailing.id))
    return _mailing_page(mailing, form)


# ---- unsubscribe (no account, no cookie: the signed token is the authority) ---------------------


def _sender_name(subject_type: ConsentSubject, subject_id: int) -> str:
    from organiser.core.scopes import load_scope

    obj = load_scope(str(subject_type), subject_id)
    return obj.name if obj is not None else _("this sender")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit("30 per minute")
def unsubscribe_page(token: str) -> tuple[str, int] | str:
    """GET shows the choice and changes nothing (mail scanners follow links). POST unsubscribes at
    once, with or without a cookie: RFC 8058 one-click sends ``List-Unsubscribe=One-Click``."""
    parsed = read_unsubscribe_token(token)
    person = db.session.get(Person, parsed[0]) if parsed is not None else None
    if parsed is None or person is None:  # an erased person's links die with their data
        return render_template("messaging/unsubscribe_invalid.html"), 404
    _person_id, subject_type, subject_id = parsed
    sender = _sender_name(subject_type, subject_id)
    form = UnsubscribeForm(meta={"csrf": False})
    form.scope.choices = [
        SelectChoice("sender", _("Stop e-mails from %(sender)s", sender=sender)),
        SelectChoice("everything", _("Stop all campaign e-mails sent through Organiser")),
    ]
    if request.method == "POST":
        one_click = request.form.get("List-Unsubscribe") == "One-Click"
        everything = not one_click and form.scope.data == "everything"
        unsubscribe(
            person,
            subject_type,
            subject_id,
            everything=everything,
            source="one-click" if one_click else "unsubscribe page",
        )
        db.session.commit()
        return render_template("messaging/unsubscribed.html", sender=sender, everything=everything)
    return render_template("messaging/unsubscribe.html", form=form, sender=sender)


# ---- bounces ------------------------------------------------------------------------------------


@bp.post("/webhooks/bounces")
@csrf.exempt
def bounce_webhook() -> tuple[dict[str, Any], int]:
    """Bounces and complaints from the relay: JSON ``{"email", "type": hard|soft|complaint, "detail"}``
    or ``{"events": [...]}``, with ``Authorization: Bearer <ORGANISER_BOUNCE_WEBHOOK_SECRET>``."""
    secret = current_app.config.get("BOUNCE_WEBHOOK_SECRET")
    if not secret:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return {"error": "wrong or missing secret"}, 401
    payload = request.get_json(silent=True)
    events = payload.get("events", [payload]) if isinstance(payload, dict) else None
    if not events or not all(isinstance(e, dict) for e in events):
        return {"error": 'expected a JSON object, or {"events": [...]}'}, 400
    recorded = suppressed = 0
    errors = []
    for index, event in enumerate(events):
        try:
            kind = BounceKind(str(event.get("type", "")).lower())
            email = without_controls(str(event["email"])).strip()
            if "@" not in email or len(email) > 320:
                raise ValueError
        except (KeyError, ValueError):
            errors.append({"index": index, "error": "needs an email and a type of hard, soft or complaint"})
            continue
        detail = without_controls(str(event.get("detail", "")), multiline=True)[:2000]
        suppressed += record_bounce(email, kind, detail=detail, source="webhook")
        recorded += 1
    db.session.commit()
    return {"recorded": recorded, "suppressed": suppressed, "errors": errors}, 200 if not errors else 207


# ---- the local outbox (embedded default) ---------------------------------------------------------


def _local_mail_reader() -> str | None:
    """Who may read the local outbox (the embedded default only): a platform admin reads every
    message; anyone else signed in, only those addressed to their own account. Returns the address
    to keep to, or None for everything. (It holds password-reset and invitation links, and
    supporters' confirmation and data-page links: reading another's would take their account.)"""
    if current_app.config["MAIL_BACKEND"] != "local":
        abort(404)
    return None if current_user.is_platform_admin else normalise_email(current_user.email)


def linkify(text: str) -> Markup:
    """Plain-text mail shown with its links clickable, everything else escaped."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@bp.get("/dev/mail")
@login_required
def outbox() -> str:
    """The latest messages in the local outbox."""
    to = _local_mail_reader()
    return render_template("messaging/outbox.html", messages=recent_messages(to=to), only_to=to)


@bp.get("/dev/mail/<int:message_id>")
@login_required
def message(message_id: int) -> str:
    """One message from the local outbox, its links clickable."""
    to = _local_mail_reader()
    row = db.session.get(OutboxMessage, message_id)
    if row is None or (to is not None and row.recipient != to):
        abort(404)
    text = row.body_text
    if text is None and row.mailing_id is not None:  # a mailing's rows are rendered when sent
        from organiser.messaging.render import render_mailing

        _headers, text, _html = render_mailing(db.session.get(Mailing, row.mailing_id)).message_for(row)
    attachments = db.session.scalars(
        select(OutboxAttachment).where(OutboxAttachment.message_id == row.id).order_by(OutboxAttachment.id)
    ).all()
    return render_template(
        "messaging/message.html", message=row, body=linkify(text or ""), attachments=attachments
    )
