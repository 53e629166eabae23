"""Which suggested letter a writer starts from, on the public form: the versions offered as choices
(radio buttons), "Use this letter" redisplaying the form with the chosen one (no JavaScript), and
the version the writer's letter is written from.

The form's subject and letter hold the words of ``shown_version`` (the first version, until the
writer chooses another). Sending with another version ticked than the one shown redisplays the form
with it, so nobody sends words they have not seen. Where writers may not edit, the form has no
subject and letter fields: it shows the version's words, and the letter is that version."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from organiser.actions.letters.forms import LetterForm
from organiser.actions.letters.models import LetterCampaign, LetterVersion
from organiser.actions.letters.services.versions import has_tags, name_of


@dataclass
class Choice:
    versions: list[LetterVersion]  # the campaign's live versions, in order
    shown: LetterVersion  # the version whose words the form shows
    editable: bool  # the writer may change them

    @property
    def several(self) -> bool:
        return len(self.versions) > 1

    @property
    def tags_hint(self) -> str:
        """What ``{{ name }}`` and ``{{ area }}`` become, when the words shown hold one of them."""
        if not (has_tags(self.shown.subject) or has_tags(self.shown.body)):
            return ""
        return _("Where it says {{ name }} or {{ area }}, your name and area go in when you send it.")


def start(campaign: LetterCampaign, form: LetterForm, *, submitted: bool) -> Choice:
    """The choices on the form; unsubmitted, the first version's words in its fields. Without
    editing, the form loses its subject and letter fields (the version is the letter)."""
    versions = campaign.live_versions
    form.version.choices = [(str(v.id), name_of(v, n)) for n, v in enumerate(versions, 1)]
    shown = (campaign.version(form.shown_version.data) if submitted else None) or versions[0]
    choice = Choice(versions, shown, campaign.writers_may_edit)
    if not choice.editable:
        del form.subject
        del form.body
    if not submitted:
        show(form, choice, shown)
    return choice


def show(form: LetterForm, choice: Choice, version: LetterVersion) -> None:
    """Fill the form with this version's words (the writer's own changes to the last one go)."""
    choice.shown = version
    form.version.data = form.shown_version.data = str(version.id)
    if choice.editable:
        form.subject.data, form.body.data = version.subject, version.body


def chosen(campaign: LetterCampaign, form: LetterForm, choice: Choice) -> LetterVersion | None:
    """The version ticked (the one shown if none is); None, with a message next to the choices, if
    what was sent is not one of them."""
    picked = form.version.data
    if not picked:
        return choice.shown
    version = campaign.version(picked)
    if version is None:
        form.version.errors = [_("Choose one of the letters")]
    return version


def choose(campaign: LetterCampaign, form: LetterForm, choice: Choice) -> bool:
    """ "Use this letter", or sending with another version ticked than the one shown: show the
    chosen version's words (True: the form is to be shown again, nothing sent)."""
    version = chosen(campaign, form, choice)
    if version is None:
        return True
    if form.choose.data or version.id != choice.shown.id:
        show(form, choice, version)
        return True
    return False


def words(form: LetterForm, choice: Choice) -> dict[str, object]:
    """What the letter is written from: the writer's subject and letter (or, without editing, the
    version's), and the version."""
    if choice.editable:
        return {"subject": form.subject.data or "", "body": form.body.data or "", "version": choice.shown}
    return {"subject": choice.shown.subject, "body": choice.shown.body, "version": choice.shown}
