"""The campaign's report for coordinators: letters per decision-maker and per area, where they stand
(delivered, waiting, failed), the replies their writers reported, the share who heard back and the
median days to a reply; the CSV of the same; and the responsiveness the public page may show.

"Replied" counts writers who answered the follow-up "yes". The share is of the writers who answered
at all (yes, not yet, no): those who never answered tell us nothing. Days to a reply run from the
letter's delivery to the day the writer says the reply came (or, if they did not say, the day they
answered). Erased writers' answers are blanked, so they drop out of these figures; the letters
themselves stay counted. Personal letters (the writer's own words) and unedited copies (delivered in
the day's digest) are counted apart. Per source: the tracking code each writer came with (a
co-sponsor's link, or any ``?source=``), as petitions count signatures per source; per version: the
suggested letter each writer started from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.actions.letters.models import Letter, LetterCampaign, LetterKind, LetterStatus
from organiser.actions.letters.replies.models import LetterFollowUp, ReplyAnswer
from organiser.actions.letters.services.sending import sync_statuses
from organiser.actions.letters.services.versions import version_names
from organiser.actions.targets.models import Response, Target
from organiser.db import as_utc, db
from organiser.web.downloads import Export

log = logging.getLogger(__name__)

UNCOUNTED = (LetterStatus.PENDING,)  # not confirmed by its writer: not a letter yet


@dataclass
class Row:
    """One line of the report: a decision-maker or an area."""

    name: str
    letters: int = 0
    personal: int = 0  # in the writer's own words, delivered one by one
    unedited: int = 0  # copies of the suggested letter, delivered in the day's digest
    delivered: int = 0
    waiting: int = 0
    failed: int = 0
    answered: int = 0  # writers who answered the follow-up
    replied: int = 0  # of them, those who said "yes"
    days: list[int] = field(default_factory=list)
    recorded: bool = False  # a coordinator recorded the decision-maker's response

    def add(self, status: str, kind: str | None) -> None:
        self.letters += 1
        self.personal += kind == LetterKind.PERSONAL
        self.unedited += kind == LetterKind.UNEDITED
        if status == LetterStatus.SENT:
            self.delivered += 1
        elif status == LetterStatus.FAILED:
            self.failed += 1
        else:
            self.waiting += 1

    def answer(self, answer: str | None, days: int | None) -> None:
        if answer is None:
            return
        self.answered += 1
        if answer == ReplyAnswer.YES:
            self.replied += 1
            if days is not None:
                self.days.append(days)

    @property
    def share(self) -> int | None:
        """Per cent of the writers who answered who said they had a reply."""
        return round(100 * self.replied / self.answered) if self.answered else None

    @property
    def median_days(self) -> float | None:
        return median(self.days) if self.days else None


@dataclass
class Report:
    per_target: list[Row]
    per_area: list[Row]
    total: Row
    per_source: list[Row] = field(default_factory=list)
    per_version: list[Row] = field(default_factory=list)


def _days_to_reply(letter: Letter, follow_up: LetterFollowUp | None) -> int | None:
    if follow_up is None or letter.sent_at is None:
        return None
    sent = as_utc(letter.sent_at).date()  # type: ignore[union-attr]
    answered = as_utc(follow_up.answered_at)
    reply_day: date | None = follow_up.replied_on or (answered.date() if answered else None)
    return max(0, (reply_day - sent).days) if reply_day else None


def report(campaign: LetterCampaign, *, sync: bool = True) -> Report:
    """Every confirmed letter of the campaign, per decision-maker, area, source and version, with
    its replies (``sync``: the letters' statuses brought up to date first; not on the cached public
    page)."""
    if sync:
        sync_statuses(campaign.id)
    rows = db.session.execute(
        select(Letter, LetterFollowUp, Target.name)
        .outerjoin(LetterFollowUp, LetterFollowUp.letter_id == Letter.id)
        .outerjoin(Target, Target.id == Letter.target_id)
        .where(Letter.campaign_id == campaign.id, Letter.status.not_in(UNCOUNTED))
        .order_by(Letter.id)
    ).all()
    recorded = set(db.session.scalars(select(Response.target_id).where(Response.campaign_id == campaign.id)))
    versions = version_names(campaign)
    per: dict[str, dict[Any, Row]] = {"target": {}, "area": {}, "source": {}, "version": {}}
    total = Row(_("All letters"))
    for letter, follow_up, target_name in rows:
        target_row = per["target"].setdefault(letter.target_id, Row(target_name or _("(removed)")))
        target_row.recorded = letter.target_id in recorded
        area = " ".join(letter.region.split()) or _("(not given)")
        source = letter.source or _("No source (the campaign's own page)")
        version = versions.get(letter.version_id, _("(removed)"))
        days = _days_to_reply(letter, follow_up)
        for row in (
            target_row,
            per["area"].setdefault(area.casefold(), Row(area)),
            per["source"].setdefault(letter.source, Row(source)),
            per["version"].setdefault(letter.version_id, Row(version)),
            total,
        ):
            row.add(str(letter.status), letter.kind)
            row.answer(follow_up.answer if follow_up else None, days)
    return Report(
        per_target=sorted(per["target"].values(), key=lambda r: r.name.casefold()),
        per_area=_by_size(per["area"]),
        total=total,
        per_source=_by_size(per["source"]),
        per_version=_by_size(per["version"]),
    )


def _by_size(rows: dict[Any, Row]) -> list[Row]:
    return sorted(rows.values(), key=lambda r: (-r.letters, r.name.casefold()))


COLUMNS = [
    "breakdown",
    "name",
    "letters",
    "personal",
    "unedited",
    "delivered",
    "waiting",
    "failed",
    "answered_follow_up",
    "replied",
    "replied_share_percent",
    "median_days_to_reply",
    "response_recorded",
]


def _csv_row(kind: str, row: Row) -> tuple[object, ...]:
    return (
        kind,
        row.name,
        row.letters,
        row.personal,
        row.unedited,
        row.delivered,
        row.waiting,
        row.failed,
        row.answered,
        row.replied,
        "" if row.share is None else row.share,
        "" if row.median_days is None else row.median_days,
        "yes" if row.recorded else "",
    )


def export_report(campaign: LetterCampaign) -> Export:
    """The report as CSV: one line per decision-maker, area, source and version, and the total
    (formula-safe, and logged: the areas are what writers typed)."""
    found = report(campaign)
    rows = [_csv_row("target", r) for r in found.per_target]
    rows += [_csv_row("area", r) for r in found.per_area]
    rows += [_csv_row("source", r) for r in found.per_source]
    rows += [_csv_row("version", r) for r in found.per_version]
    rows.append(_csv_row("total", found.total))
    return Export(
        f"{campaign.slug}-report.csv",
        _("Report of “%(title)s”", title=campaign.title),
        COLUMNS,
        rows,
        coalition_id=campaign.coalition_id,
    )


def responsiveness(campaign: LetterCampaign) -> list[Row]:
    """Per decision-maker, for the public page when the coordinators chose to show it: only those
    some writer told us about."""
    if not campaign.show_responsiveness:
        return []
    return [row for row in report(campaign, sync=False).per_target if row.answered]


def set_responsiveness(campaign: LetterCampaign, shown: bool, *, by: object) -> None:
    """Show (or hide) the responsiveness per decision-maker on the public page."""
    campaign.show_responsiveness = shown
    db.session.flush()
    log.info(
        "letter campaign %s: responsiveness %s by %s",
        campaign.id,
        "shown" if shown else "hidden",
        getattr(by, "id", by),
    )
