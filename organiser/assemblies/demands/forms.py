"""The demands' forms: a demand (what, addressed to whom, from which charge or theme), the voting
rule, the ballot (one for/against/abstain choice per demand), the kiosk's check-in code, the
chair's record of consensus, launching an action, and the outcome the coordinators record."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from organiser.assemblies.demands.models import AdoptionRule, Choice, Outcome
from organiser.web.forms import Form
from organiser.web.times import DateInput, NotInTheFuture

RULE_LABELS = {
    AdoptionRule.SIMPLE_MAJORITY: _l("Simple majority: more for than against"),
    AdoptionRule.TWO_THIRDS: _l("Two thirds: at least two thirds of those for or against are for"),
    AdoptionRule.CONSENSUS: _l("Consensus, recorded by the chair for each demand"),
}
CHOICE_LABELS = {Choice.FOR: _l("For"), Choice.AGAINST: _l("Against"), Choice.ABSTAIN: _l("Abstain")}
OUTCOME_LABELS = {
    Outcome.LAUNCHED: _l("Launched"),
    Outcome.DELIVERED: _l("Delivered"),
    Outcome.RESPONDED: _l("Responded"),
    Outcome.PARTLY_WON: _l("Partly won"),
    Outcome.WON: _l("Won"),
}
ACTION_LABELS = {"petition": _l("A petition"), "letters": _l("A letter campaign")}


class DemandForm(Form):
    """``target`` and ``source`` get their choices from the view: the coalition's decision-makers
    (``""``: none, type a name instead) and the assembly's charges (``charge-<id>``; ``""``: a theme)."""

    text = TextAreaField(
        _l("The demand"),
        description=_l("What the assembly asks for, in one or two sentences."),
        validators=[DataRequired(message=_l("Write the demand")), Length(max=2000)],
        render_kw={"rows": 3},
    )
    target = SelectField(_l("Addressed to"), validators=[Optional()])
    addressed_to = StringField(
        _l("Or type who it is addressed to"),
        description=_l("When the decision-maker is not in your list (for example: the IMF)."),
        validators=[Length(max=200)],
    )
    source = SelectField(_l("The charge it comes from"), validators=[Optional()])
    theme = StringField(
        _l("Or the theme it comes from"),
        description=_l("For example: youth unemployment, health."),
        validators=[Length(max=200)],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.target_id() is None and not self.addressed_to.data:
            self.target.errors.append(
                _l("Choose a decision-maker from the list, or type who it is addressed to")
            )
            return False
        return True

    def target_id(self) -> int | None:
        return _id(self.target.data)

    def charge_id(self) -> int | None:
        return _id((self.source.data or "").removeprefix("charge-"))


def _id(value: str | None) -> int | None:
    """A choice's id; None for none (a value of spaces counts as none: ``Optional`` lets it through)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


class VotingForm(Form):
    rule = RadioField(
        _l("How a demand is adopted"),
        choices=[SelectChoice(str(rule), label) for rule, label in RULE_LABELS.items()],
        default=str(AdoptionRule.SIMPLE_MAJORITY),
        validators=[DataRequired(message=_l("Choose how a demand is adopted"))],
    )


_ONE_OF_CHOICES = AnyOf([str(c) for c in Choice], message=_l("Choose for, against or abstain"))


class _LinkForm(Form):
    """A form on a page an e-mailed link opens: no session, so no CSRF token (the link is the key)."""

    class Meta(Form.Meta):
        csrf = False


def ballot_form(demand_ids: list[int], *, public: bool) -> Form:
    """One choice per demand (``demand-<id>``); none is required: a voter may leave one out."""

    class Ballot(_LinkForm if public else Form):  # type: ignore[valid-type,misc]
        pass

    choices = [SelectChoice(str(choice), label) for choice, label in CHOICE_LABELS.items()]
    for demand_id in demand_ids:
        field = RadioField(choices=choices, validate_choice=False, validators=[Optional(), _ONE_OF_CHOICES])
        setattr(Ballot, f"demand-{demand_id}", field)
    return Ballot()


class KioskCodeForm(Form):
    code = StringField(
        _l("Your check-in code"),
        description=_l("It is in the e-mail that confirmed your place, and on your own registration page."),
        validators=[DataRequired(message=_l("Enter your check-in code")), Length(max=12)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class ConsensusForm(Form):
    adopted = RadioField(
        _l("The chair's record"),
        choices=[SelectChoice("yes", _l("Adopted by consensus")), SelectChoice("no", _l("Not adopted"))],
        validators=[DataRequired(message=_l("Choose what the assembly decided"))],
    )


class LaunchForm(Form):
    kind = RadioField(
        _l("Launch it as"),
        choices=[SelectChoice(kind, label) for kind, label in ACTION_LABELS.items()],
        default="petition",
        validators=[DataRequired(message=_l("Choose a petition or a letter campaign"))],
    )


class OutcomeForm(Form):
    outcome = SelectField(
        _l("Where it stands"),
        choices=[SelectChoice(str(outcome), label) for outcome, label in OUTCOME_LABELS.items()],
        validators=[DataRequired(message=_l("Choose where it stands"))],
    )
    note = TextAreaField(
        _l("What happened"),
        description=_l("Shown on the assembly's page, for example what the minister promised."),
        validators=[Length(max=5000)],
        render_kw={"rows": 4},
    )
    on = DateInput(
        _l("Date"),
        description=_l("When it happened."),
        validators=[DataRequired(message=_l("Enter the date")), NotInTheFuture()],
    )
