"""The webhooks pages of a coalition (its coordinators) and of an organisation (its admins): the same
views, the owner named by the URL. Load (404) → authorise (403) → act."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from organiser.api.webhooks import delivery, services
from organiser.api.webhooks.forms import EVENT_LABELS, STATUS_LABELS, WebhookEventsForm, WebhookForm
from organiser.api.webhooks.models import Webhook
from organiser.coalitions.models import Coalition, Organisation
from organiser.db import db
from organiser.web.buttons import button_action
from organiser.web.forms import ConfirmForm

OWNERS: dict[str, type[Coalition] | type[Organisation]] = {
    "coalition": Coalition,
    "organisation": Organisation,
}


def webhook_url(owner: Coalition | Organisation, name: str, **values: Any) -> str:
    """The address of one of the owner's webhooks pages (``name``: index, show, test, enabled, delete)."""
    kind = "coalition" if isinstance(owner, Coalition) else "organisation"
    return url_for(f"webhooks.{kind}_{name}", slug=owner.slug, **values)


def _owner(owner_type: str, slug: str) -> Coalition | Organisation:
    model = OWNERS[owner_type]
    owner = db.session.scalar(select(model).where(model.slug == slug))
    if owner is None:
        abort(404)
    if not owner.can_manage(current_user):
        abort(403)
    return owner


def _webhook(owner_type: str, slug: str, webhook_id: int) -> tuple[Coalition | Organisation, Webhook]:
    owner = _owner(owner_type, slug)
    webhook = services.webhook_of(owner, webhook_id)
    if webhook is None:
        abort(404)
    return owner, webhook


@login_required
def index(owner_type: str, slug: str) -> str | Response:
    """The owner's webhooks, and a form to add one; a new one's secret is shown once, here."""
    owner = _owner(owner_type, slug)
    form = WebhookForm()
    if form.validate_on_submit():
        webhook = services.register(owner, form.url.data, form.events.data, by=current_user)
        db.session.commit()
        return render_template("api/webhooks/created.html", owner=owner, webhook=webhook, labels=EVENT_LABELS)
    return render_template(
        "api/webhooks/index.html",
        owner=owner,
        form=form,
        webhooks=services.webhooks_of(owner),
        labels=EVENT_LABELS,
    )


@login_required
def show(owner_type: str, slug: str, webhook_id: int) -> str | Response:
    """One webhook: its events (to change), its buttons, and its recent deliveries."""
    owner, webhook = _webhook(owner_type, slug, webhook_id)
    form = WebhookEventsForm(data={"events": webhook.events})
    if form.validate_on_submit():
        services.change_events(webhook, form.events.data, by=current_user)
        db.session.commit()
        flash(_("The events to send are saved."), "success")
        return redirect(webhook_url(owner, "show", webhook_id=webhook.id))
    return render_template(
        "api/webhooks/webhook.html",
        owner=owner,
        webhook=webhook,
        form=form,
        button=ConfirmForm(),
        deliveries=services.recent_deliveries(webhook),
        labels=EVENT_LABELS,
        status_labels=STATUS_LABELS,
    )


@login_required
def send_test(owner_type: str, slug: str, webhook_id: int) -> Response:
    """Send a test delivery now; its result appears among the recent deliveries."""
    owner, webhook = _webhook(owner_type, slug, webhook_id)
    return button_action(
        lambda: delivery.send_test(webhook),
        refused=(),
        refused_message="",
        done_message=lambda: _("A test is on its way: its result shows below."),
        back=webhook_url(owner, "show", webhook_id=webhook.id),
    )


@login_required
def toggle(owner_type: str, slug: str, webhook_id: int) -> Response:
    """Disable the webhook (it is told of nothing), or enable it again (from now on)."""
    owner, webhook = _webhook(owner_type, slug, webhook_id)
    enable = not webhook.enabled
    return button_action(
        lambda: services.set_enabled(webhook, enable, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("The webhook is enabled.") if enable else _("The webhook is disabled."),
        back=webhook_url(owner, "show", webhook_id=webhook.id),
    )


@login_required
def remove(owner_type: str, slug: str, webhook_id: int) -> Response:
    """Delete the webhook and its deliveries."""
    owner, webhook = _webhook(owner_type, slug, webhook_id)
    return button_action(
        lambda: services.remove(webhook, by=current_user),
        refused=(),
        refused_message="",
        done_message=_("The webhook is deleted."),
        back=webhook_url(owner, "index"),
    )
