"""The public sign form (no session, so no CSRF token: double opt-in, rate limits and a honeypot
guard it) and the coordinators' petition form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from organiser.actions.sponsorship.forms import SponsorInviteForm as SponsorInviteForm  # re-exported
from organiser.messaging.forms import MultiCheckboxField
from organiser.web.forms import Form, PublicForm, slug_field
from organiser.web.times import DateInput, InTheFuture, LocalDateTimeInput, NotInTheFuture

PETITION_STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "delivered": _l("Delivered"),
}


class SignForm(PublicForm):
    region = StringField(
        _l("Postcode or region"),
        description=_l("Shows decision-makers where support comes from."),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "postal-code"},
    )
    comment = TextAreaField(
        _l("Why are you signing?"),
        description=_l("Optional."),
        validators=[Optional(), Length(max=1000, message=_l("Use at most 1000 characters"))],
        render_kw={"rows": 3},
    )
    public_name = BooleanField(_l("Show my name on the petition page"))
    # Labelled in the template, with the coalition's and the sponsor's names; an empty label here
    # spares WTForms a translation lookup per request (it makes one up from the name otherwise).
    consent_coalition = BooleanField("")
    consent_sponsor = BooleanField("")  # shown only through an accepted co-sponsor's tracking link


def valid_milestones(_form: Form, field: StringField) -> None:
    """ "100, 500, 1000": whole numbers separated by commas (the goal is always a milestone too)."""
    from organiser.actions.petitions.milestones import parse_milestones

    try:
        parse_milestones(field.data or "")
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def milestones_field() -> StringField:
    return StringField(
        _l("Milestones"),
        description=_l(
            "Optional. Signature counts at which coordinators and co-sponsors are told, "
            "separated by commas, like 100, 500, 1000. The goal always is one."
        ),
        validators=[Optional(), Length(max=300), valid_milestones],
    )


class MilestonesForm(Form):
    milestones = milestones_field()


class PetitionForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title")), Length(max=200)])
    slug = slug_field(_l("The end of the petition's address: lower-case letters, digits and hyphens."))
    ask = TextAreaField(
        _l("What you ask for"),
        validators=[DataRequired(message=_l("Say what you ask for")), Length(max=2000)],
        render_kw={"rows": 3},
    )
    background = TextAreaField(
        _l("Background"), validators=[Optional(), Length(max=10000)], render_kw={"rows": 6}
    )
    target = StringField(
        _l("Addressed to"),
        description=_l("The decision-maker or body that can act."),
        validators=[Optional(), Length(max=300)],
    )
    goal = IntegerField(
        _l("Goal"),
        default=1000,
        validators=[
            DataRequired(message=_l("Enter a goal")),
            NumberRange(min=1, max=100_000_000, message=_l("Enter a number")),
        ],
    )
    close_date = DateInput(
        _l("Closes on"),
        validators=[Optional(), InTheFuture()],
        description=_l("Optional. The petition takes signatures until the end of this day (UTC)."),
    )
    milestones = milestones_field()

    DETAILS = ("title", "ask", "background", "target", "goal", "close_date")

    @classmethod
    def for_editing(cls, petition: Any) -> PetitionForm:
        """The form filled in from a petition, without its address (fixed: links are out) and its
        milestones (their own page); a close date left as saved is accepted as it is."""
        form = cls(obj=petition)
        del form.slug
        del form.milestones
        form.saved = {"close_date": petition.close_date}
        return form

    def details(self) -> dict[str, Any]:
        return {name: self.data[name] for name in self.DETAILS}


class InvalidationForm(Form):
    """Which signatures to take out: at least one of domain, IP address and time window."""

    domain = StringField(
        _l("E-mail domain"),
        description=_l("The part after the @, like example.org."),
        validators=[
            Optional(),
            Length(max=255),
            Regexp(
                r"^[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$",
                message=_l("Enter a domain like example.org, without the @"),
            ),
        ],
        render_kw={"spellcheck": "false", "autocapitalize": "none"},
    )
    ip = StringField(
        _l("IP address"),
        validators=[Optional(), Length(max=64)],
        render_kw={"spellcheck": "false", "inputmode": "decimal"},
    )
    since = LocalDateTimeInput(
        _l("Signed from"), description=_l("In UTC."), validators=[Optional(), NotInTheFuture()]
    )
    until = LocalDateTimeInput(_l("Signed before"), description=_l("In UTC."), validators=[Optional()])
    reason = TextAreaField(
        _l("Why"),
        description=_l("Kept with the invalidation, for the record."),
        validators=[DataRequired(message=_l("Say why these signatures are taken out")), Length(max=2000)],
        render_kw={"rows": 2},
    )
    confirmed = HiddenField()

    def validate_ip(self, field: StringField) -> None:
        import ipaddress

        if field.data:
            try:
                ipaddress.ip_address(field.data.strip())
            except ValueError as exc:
                raise ValidationError(_l("Enter an IP address like 203.0.113.7 or 2001:db8::1")) from exc

    def validate_until(self, field: LocalDateTimeInput) -> None:
        if field.data and self.since.data and field.data <= self.since.data:
            raise ValidationError(_l("Choose a time after “Signed from”"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not (self.domain.data or self.ip.data or self.since.data or self.until.data):
            self.domain.errors.append(
                _l("Give at least one of: an e-mail domain, an IP address, a time window")
            )
            return False
        return valid

    def filters(self) -> Any:
        from datetime import UTC

        from organiser.actions.petitions.abuse import SignatureFilter

        return SignatureFilter(
            domain=(self.domain.data or "").strip().lower(),
            ip=(self.ip.data or "").strip(),
            since=self.since.data.replace(tzinfo=UTC) if self.since.data else None,
            until=self.until.data.replace(tzinfo=UTC) if self.until.data else None,
        )


class PetitionTargetsForm(Form):
    targets = MultiCheckboxField(_l("Addressed to"), coerce=int, validate_choice=True)


class DeliveryForm(Form):
    message = TextAreaField(
        _l("Covering message"),
        description=_l("Optional. It comes first in the e-mail, above the petition."),
        validators=[Optional(), Length(max=5000, message=_l("Use at most 5000 characters"))],
        render_kw={"rows": 6},
    )
