"""The webhooks' forms: an address (checked: https, and not the platform's own network) and the events
to send it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from organiser.api.webhooks.addresses import AddressRefused, resolve
from organiser.api.webhooks.models import DeliveryStatus, EventKind
from organiser.messaging.forms import MultiCheckboxField
from organiser.web.forms import Form

EVENT_LABELS = {
    EventKind.SIGNATURE: _l("New signatures on petitions (once confirmed)"),
    EventKind.OUTREACH: _l("New letters to decision-makers (once confirmed)"),
    EventKind.ATTENDANCE: _l("New registrations for assemblies (once confirmed)"),
    EventKind.UNSUBSCRIBE: _l("Unsubscribes (consent withdrawn)"),
    EventKind.TEST: _l("Test"),
}

STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Waiting to be sent"),
    DeliveryStatus.DELIVERED: _l("Delivered"),
    DeliveryStatus.FAILED: _l("Failed: given up"),
    DeliveryStatus.DROPPED: _l("Not sent: no longer there to send"),
}


class SafeAddress:
    """An https address on the public internet (see ``addresses``)."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data:
            try:
                resolve(field.data)
            except AddressRefused as exc:
                raise ValidationError(str(exc)) from exc


def _events_field() -> MultiCheckboxField:
    return MultiCheckboxField(
        _l("Events to send"),
        choices=[
            SelectChoice(kind.value, label) for kind, label in EVENT_LABELS.items() if kind != EventKind.TEST
        ],
        validators=[DataRequired(message=_l("Choose at least one event"))],
    )


class WebhookEventsForm(Form):
    events = _events_field()


class WebhookForm(Form):
    url = URLField(
        _l("Address (URL)"),
        description=_l("Where your own tool receives the events, starting with https://"),
        validators=[
            DataRequired(message=_l("Enter the address")),
            Length(max=2000, message=_l("Use at most %(max)d characters")),
            SafeAddress(),
        ],
        render_kw={"autocomplete": "url", "inputmode": "url", "spellcheck": "false"},
    )
    events = _events_field()
