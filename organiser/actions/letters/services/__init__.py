"""Letter-writing actions: campaigns, writing (double opt-in), confirming and sending, responses.

A writer's letter becomes one ``Letter`` row per target it goes to (one per person, campaign and
target: the unique constraint decides). It stays ``pending`` until the writer confirms through the
e-mailed link; then the campaign's ``letter_count`` goes up by the number of letters, and each goes
at the campaign's pace (``pacing``, ``digests``): a personal letter as one e-mail to its target,
From the platform with Reply-To the writer (so the decision-maker can answer them), never copied to
anyone, up to a daily cap; unedited copies in one digest per target a day. The outbox does not call
back when a row is sent: ``sync_statuses`` moves ``queued`` letters to ``sent`` or ``failed`` from
their outbox row's status whenever coordinators look at them (their pages, the export, a person's
own data).

``campaigns``: campaigns, their state and who their letters go to. ``versions``: the suggested
letters, filled in for each writer, and their changes. ``closing``: the close time. ``editing``:
changing a campaign, logged. ``writing``: writing and confirming. ``pacing``: personal or unedited,
the daily cap, failing targets. ``digests``: the daily digest, its sweep, and erasure before it is
sent. ``sending``: each letter's status, the tallies and the export. ``sponsors``: co-sponsors,
their tracking links and the writers they brought in. ``responses``: what the decision-makers
answered.
"""

from organiser.actions.letters.services.campaigns import (
    CampaignStateError,
    areas_of,
    by_slug,
    campaigns_of,
    close_campaign,
    consent_wording,
    create_campaign,
    open_campaign,
    recipients,
    regions_of,
    set_targets,
    slug_taken,
    why_not_open,
)
from organiser.actions.letters.services.responses import record_response, response_targets, responses_of
from organiser.actions.letters.services.sending import export_letters, sync_statuses, tallies
from organiser.actions.letters.services.writing import (
    WriteResult,
    confirm,
    letters_for_token,
    over_limit,
    write,
)

__all__ = [
    "CampaignStateError",
    "areas_of",
    "WriteResult",
    "by_slug",
    "campaigns_of",
    "close_campaign",
    "confirm",
    "consent_wording",
    "create_campaign",
    "export_letters",
    "letters_for_token",
    "open_campaign",
    "over_limit",
    "recipients",
    "record_response",
    "regions_of",
    "response_targets",
    "responses_of",
    "set_targets",
    "slug_taken",
    "sync_statuses",
    "tallies",
    "why_not_open",
    "write",
]
