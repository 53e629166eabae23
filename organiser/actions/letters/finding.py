"""Who a "by region" letter goes to, from the public form: the writer's postcode looked up in the
coalition's table (``actions.targets.lookup``), or the area they picked from the list by hand; what
is wrong, said next to the field, with the list of the campaign's areas opened to pick from.

"Find my representatives" is a submit that only redisplays the form with the decision-makers found
(no JavaScript); "Send my letter" resolves the same way again (nothing found earlier is trusted),
and an area picked by hand wins over the postcode then, since the writer chose it after being
told their postcode was not known."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from organiser.actions.letters.forms import LetterForm
from organiser.actions.letters.models import LetterCampaign
from organiser.actions.targets import lookup
from organiser.actions.targets.lookup import Area
from organiser.actions.targets.models import Target
from organiser.coalitions.imports import shown


@dataclass
class Finding:
    by_postcode: bool  # the coalition has a lookup table: the form asks for a postcode
    areas: list[Area]  # the campaign's areas, to pick from by hand
    area: Area | None = None
    targets: list[Target] = field(default_factory=list)
    show_list: bool = False  # the list is opened (the postcode did not find anyone)

    @property
    def found(self) -> bool:
        return self.area is not None and bool(self.targets)


def start(campaign: LetterCampaign) -> Finding:
    """Nothing looked up yet: what the campaign page shows first."""
    coalition_id = campaign.coalition_id
    return Finding(lookup.has_table(coalition_id), lookup.areas_with_targets(coalition_id))


def choices(finding: Finding) -> list[tuple[str, str]]:
    return [("", _("Choose your region or constituency"))] + [(a.choice, a.name) for a in finding.areas]


def find(campaign: LetterCampaign, form: LetterForm, finding: Finding, *, by_hand: bool) -> Finding:
    """Resolve the form's area: the one picked by hand (when ``by_hand`` and one is picked), else
    the postcode's; errors go on the field that decided."""
    picked = form.constituency.data or ""
    if (by_hand and picked) or not finding.by_postcode:
        return _picked(campaign, form, finding, picked)
    form.constituency.data = ""  # looking a postcode up again: the postcode decides
    if not by_hand:  # "Find": the rest of the form is not checked, the postcode field is
        form.postcode.validate(form)
    return _postcode(campaign, form, finding)


def _picked(campaign: LetterCampaign, form: LetterForm, finding: Finding, picked: str) -> Finding:
    area = next((a for a in finding.areas if a.choice == picked), None)
    if area is None:
        form.constituency.errors = [_("Choose your region or constituency from the list")]
        finding.show_list = True
        return finding
    finding.area, finding.targets = area, lookup.targets_in(campaign.coalition_id, area)
    finding.show_list = True
    return finding


def _postcode(campaign: LetterCampaign, form: LetterForm, finding: Finding) -> Finding:
    typed = form.postcode.data or ""
    finding.show_list = True
    if form.postcode.errors:  # refused by the field's own checks (control characters, length)
        return finding
    if not typed:
        form.postcode.errors = [_("Enter your postcode, or choose your area from the list")]
    elif not lookup.well_formed(typed):
        form.postcode.errors = [
            _(
                "“%(value)s” is not a postcode: check it, or choose your area from the list",
                value=shown(typed),
            )
        ]
    elif (area := lookup.find_area(campaign.coalition_id, typed)) is None:
        form.postcode.errors = [
            _(
                "We do not know the postcode “%(value)s”: check it, or choose your area from the list",
                value=shown(lookup.normalise(typed)),
            )
        ]
    else:
        finding.area, finding.targets = area, lookup.targets_in(campaign.coalition_id, area)
        if finding.targets:
            finding.show_list = False
            form.postcode.data = lookup.normalise(typed)
        else:
            form.postcode.errors = [
                _(
                    "No one receives letters for %(area)s in this campaign: if you live in another "
                    "area, choose it from the list",
                    area=area.name,
                )
            ]
    return finding
