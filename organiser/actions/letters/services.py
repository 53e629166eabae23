"""Letter-writing actions: campaigns, writing (double opt-in), confirming and sending, responses.

A writer's letter becomes one ``Letter`` row per target it goes to (one per person, campaign and
target: the unique constraint decides). It stays ``pending`` until the writer confirms through the
e-mailed link; then each letter is put in the outbox as one e-mail to its target, From the platform
with Reply-To the writer (so the decision-maker can answer them), never copied to anyone, and the
campaign's ``letter_count`` goes up by the number of letters. The outbox does not call back when a
row is sent: ``sync_statuses`` moves ``queued`` letters to ``sent`` or ``failed`` from their outbox
row's status whenever coordinators look at them (their pages, the export, a person's own data).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import exc, func, select, update
from sqlalchemy.orm import joinedload

from organiser.actions.letters.models import (
    COUNTED_STATUSES,
    CampaignStatus,
    Letter,
    LetterCampaign,
    LetterStatus,
    TargetMode,
)
from organiser.actions.targets import services as targets
from organiser.actions.targets.models import Response, Target
from organiser.db import db, utcnow
from organiser.messaging.models import OutboxMessage, OutboxStatus
from organiser.messaging.services import queue_email
from organiser.messaging.services.outbox import queue_email_coalesced
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import record_consent, supporter_email
from organiser.web import limits
from organiser.web.downloads import to_csv
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS, link_token, read_link_token
from organiser.web.urls import external_url

log = logging.getLogger(__name__)


class CampaignStateError(Exception):
    """The campaign cannot do this in its state; the message says why (for the coordinator)."""


# ---- campaigns ----------------------------------------------------------------------------------


def create_campaign(coalition_id: int, *, by: Any, target_ids: list[int], **fields: Any) -> LetterCampaign:
    """A draft campaign, addressed to these of its coalition's targets (fixed mode)."""
    campaign = LetterCampaign(coalition_id=coalition_id, created_by_id=by.id, **fields)
    db.session.add(campaign)
    db.session.flush()
    set_targets(campaign, target_ids)
    log.info("letter campaign %s created in coalition %s by %s", campaign.id, coalition_id, by.id)
    return campaign


def set_targets(campaign: LetterCampaign, target_ids: list[int]) -> None:
    wanted = set(target_ids)
    campaign.targets = [
        t
        for t in db.session.scalars(select(Target).where(Target.coalition_id == campaign.coalition_id))
        if t.id in wanted
    ]
    db.session.flush()


def why_not_open(campaign: LetterCampaign) -> str | None:
    """Why the campaign cannot be opened now, or None."""
    if campaign.status != CampaignStatus.DRAFT:
        return _("Only a draft can be opened.")
    if campaign.target_mode == TargetMode.FIXED and not campaign.targets:
        return _("Choose who the letters go to first.")
    if campaign.target_mode == TargetMode.REGION and not regions_of(campaign):
        return _("None of your decision-makers has a region or constituency yet.")
    return None


def open_campaign(campaign: LetterCampaign, *, by: Any) -> None:
    problem = why_not_open(campaign)
    if problem:
        raise CampaignStateError(problem)
    campaign.status, campaign.opened_at = CampaignStatus.OPEN, utcnow()
    db.session.flush()
    log.info("letter campaign %s opened by %s", campaign.id, by.id)


def close_campaign(campaign: LetterCampaign, *, by: Any) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise CampaignStateError(_("Only an open campaign can be closed."))
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, utcnow()
    db.session.flush()
    log.info("letter campaign %s closed by %s", campaign.id, by.id)


def campaigns_of(coalition_id: int) -> list[LetterCampaign]:
    query = (
        select(LetterCampaign)
        .where(LetterCampaign.coalition_id == coalition_id)
        .order_by(LetterCampaign.created_at.desc(), LetterCampaign.id.desc())
    )
    return list(db.session.scalars(query))


def by_slug(slug: str) -> LetterCampaign | None:
    return db.session.scalar(
        select(LetterCampaign)
        .where(LetterCampaign.slug == slug)
        .options(joinedload(LetterCampaign.coalition))
    )


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(LetterCampaign.id).where(LetterCampaign.slug == slug)) is not None


def consent_wording(campaign: LetterCampaign) -> str:
    return _(
        "Keep me updated by e-mail about this campaign and other campaigns of %(coalition)s.",
        coalition=campaign.coalition.name,
    )


# ---- who a letter goes to -------------------------------------------------------------------------


def _region_key(region: str) -> str:
    return " ".join(region.split()).casefold()


def regions_of(campaign: LetterCampaign) -> list[str]:
    """By region: the regions or constituencies of the coalition's decision-makers, sorted."""
    found: dict[str, str] = {}
    for region in db.session.scalars(
        select(Target.region).where(Target.coalition_id == campaign.coalition_id, Target.region != "")
    ):
        found.setdefault(_region_key(region), region.strip())
    return sorted(found.values(), key=str.casefold)


def recipients(campaign: LetterCampaign, region: str = "") -> list[Target]:
    """Fixed: the campaign's targets. By region: the coalition's targets whose region is the
    writer's (compared without case and extra spaces)."""
    if campaign.target_mode == TargetMode.FIXED:
        return list(campaign.targets)
    key = _region_key(region)
    if not key:
        return []
    candidates = db.session.scalars(
        select(Target).where(Target.coalition_id == campaign.coalition_id).order_by(Target.name, Target.id)
    )
    return [t for t in candidates if t.region and _region_key(t.region) == key]


# ---- writing ------------------------------------------------------------------------------------


def letters_for_token(token: str) -> list[Letter]:
    signed = read_link_token("letter", token)
    if not isinstance(signed, list) or not all(isinstance(i, int) for i in signed):
        return []
    ids = signed
    if not ids:
        return []
    query = select(Letter).where(Letter.id.in_(ids), Letter.person_id.is_not(None))  # erased: links die
    return list(db.session.scalars(query.order_by(Letter.id)))


@dataclass(frozen=True)
class WriteResult:
    created: int  # new letters (one per recipient not written to before)


def over_limit(campaign: LetterCampaign, ip: str, domain: str) -> bool:
    """The petitions' per-IP and per-domain limits (``SIGN_IP_LIMIT``, ``SIGN_DOMAIN_LIMIT``), per
    campaign (without Redis: the people who wrote to it in the window)."""
    return limits.over_action_limit(
        f"letters-{campaign.id}", ip, domain, model=Letter, scope=Letter.campaign_id == campaign.id
    )


def write(campaign: LetterCampaign, data: dict[str, Any], *, ip: str) -> WriteResult:
    """Pending letters to each recipient, and an e-mail with the link that confirms them.

    Writing again is not an error and sends nothing twice: letters already written are kept as
    they are; pending ones get their confirmation again (a few times at most)."""
    from organiser.people.services import person_id_for

    address = supporter_email(data["email"])
    region = (data.get("region") or "").strip()
    fields = {"name": data["name"], "region": region, "country": data.get("country") or None}
    person_id = person_id_for(campaign.coalition.lineage()[-1].id, address, fields)
    existing = {
        letter.target_id: letter
        for letter in db.session.scalars(
            select(Letter).where(Letter.campaign_id == campaign.id, Letter.person_id == person_id)
        )
    }
    created: list[Letter] = []
    for target in recipients(campaign, region):
        if target.id in existing:
            continue
        letter = Letter(
            campaign_id=campaign.id,
            person_id=person_id,
            target_id=target.id,
            name=data["name"],
            region=region,
            country=fields["country"],
            subject=data["subject"].strip(),
            body=data["body"].strip(),
            consent_coalition=bool(data.get("consent_coalition")),
            ip=ip[:64],
            email_domain=address.rpartition("@")[2][:255],
            confirmation_sends=1,
        )
        try:
            with db.session.begin_nested():  # two requests at once: the unique constraint decides
                db.session.add(letter)
        except exc.IntegrityError:
            continue
        created.append(letter)
    pending = [x for x in existing.values() if x.status == LetterStatus.PENDING]
    if created:
        _send_confirmation(campaign, [x.id for x in created + pending], data["name"], address, person_id)
    elif existing and _may_send_again(list(existing.values())):
        for letter in existing.values():
            letter.confirmation_sends += 1
        if pending:
            _send_confirmation(campaign, [x.id for x in pending], data["name"], address, person_id)
        else:
            _send_written_already(campaign, data["name"], address, person_id)
    db.session.flush()
    log.info("letter campaign %s: %s letters written", campaign.id, len(created))
    return WriteResult(len(created))


def _may_send_again(written: list[Letter]) -> bool:
    """Writing again re-sends the confirmation, or says the letter went, a few times at most."""
    return min(x.confirmation_sends for x in written) < MAX_CONFIRMATION_SENDS


def _send_written_already(campaign: LetterCampaign, name: str, address: str, person_id: int) -> None:
    """Someone wrote again after confirming: the mailbox's owner is told the letter went already."""
    queue_email_coalesced(
        to=address,
        subject=_("Your letter is on its way already: %(title)s", title=campaign.title),
        text=render_template(
            "actions/letters/email/written_already.txt",
            campaign=campaign,
            name=name,
            link=external_url("letters.campaign", slug=campaign.slug),
        ),
        person_id=person_id,
    )


def _send_confirmation(
    campaign: LetterCampaign, letter_ids: list[int], name: str, address: str, person_id: int
) -> None:
    link = external_url("letters.confirm", slug=campaign.slug, token=link_token("letter", sorted(letter_ids)))
    queue_email_coalesced(
        to=address,
        subject=_("Confirm your letter: %(title)s", title=campaign.title),
        text=render_template("actions/letters/email/confirm.txt", campaign=campaign, name=name, link=link),
        person_id=person_id,  # so erasing the person finds the message
    )


# ---- confirming and sending ------------------------------------------------------------------------


def confirm(campaign: LetterCampaign, letters: list[Letter]) -> int:
    """Confirm the pending letters (each once, even under two clicks at once) and queue one e-mail
    per target; returns how many were queued now."""
    if campaign.status != CampaignStatus.OPEN:
        raise CampaignStateError(_("This campaign is closed: letters are no longer sent."))
    queued = 0
    now = utcnow()
    consented: set[int] = set()  # one ledger entry per writer, however many targets
    for letter in letters:
        claimed = db.session.execute(
            update(Letter)
            .where(Letter.id == letter.id, Letter.status == LetterStatus.PENDING)
            .values(status=LetterStatus.CONFIRMED, confirmed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        db.session.refresh(letter)
        _apply_confirmed_choices(letter, consented)
        _queue_letter(letter)
        queued += 1
    if queued:
        db.session.execute(
            update(LetterCampaign)
            .where(LetterCampaign.id == campaign.id)
            .values(letter_count=LetterCampaign.letter_count + queued)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    db.session.refresh(campaign)
    log.info("letter campaign %s: %s letters confirmed and queued", campaign.id, queued)
    return queued


def _apply_confirmed_choices(letter: Letter, consented: set[int]) -> None:
    """The address is the writer's: their details go to their person record, the consent box they
    ticked to the ledger, with the wording and this time."""
    if letter.person_id is None:
        return
    person = db.session.get(Person, letter.person_id)
    person.name = letter.name or person.name
    person.region = letter.region or person.region
    person.country = letter.country or person.country
    if letter.consent_coalition and person.id not in consented:
        consented.add(person.id)
        record_consent(
            person,
            ConsentSubject.COALITION,
            letter.campaign.coalition_id,
            given=True,
            wording=consent_wording(letter.campaign),
            source=f"letters:{letter.campaign.slug}",
        )


def _queue_letter(letter: Letter) -> None:
    """One e-mail to the target: From the platform, Reply-To the writer, signed with their name."""
    person = db.session.get(Person, letter.person_id) if letter.person_id else None
    target = letter.target
    if person is None or target is None:
        letter.status = LetterStatus.FAILED
        return
    row = queue_email(
        to=target.email,
        subject=letter.subject,
        text=render_template("actions/letters/email/letter.txt", letter=letter, target=target),
        key=f"letter:{letter.id}",
        headers={"Reply-To": person.email},
    )
    letter.outbox_message_id, letter.status = row.id, LetterStatus.QUEUED
    log.info("letter %s of campaign %s queued to target %s", letter.id, letter.campaign_id, target.id)


def sync_statuses(campaign_id: int | None = None, *, person_id: int | None = None) -> int:
    """Queued letters whose outbox row was sent become ``sent``; given up on, ``failed``."""
    changed = 0
    outcomes = {
        LetterStatus.SENT: [OutboxStatus.SENT],
        LetterStatus.FAILED: [OutboxStatus.FAILED, OutboxStatus.SUPPRESSED, OutboxStatus.CANCELLED],
    }
    for status, outbox_statuses in outcomes.items():
        finished = select(OutboxMessage.id).where(OutboxMessage.status.in_(outbox_statuses))
        condition = [Letter.status == LetterStatus.QUEUED, Letter.outbox_message_id.in_(finished)]
        if campaign_id is not None:
            condition.append(Letter.campaign_id == campaign_id)
        if person_id is not None:
            condition.append(Letter.person_id == person_id)
        sent_at = (
            select(OutboxMessage.sent_at)
            .where(OutboxMessage.id == Letter.outbox_message_id)
            .scalar_subquery()
        )
        values: dict[str, Any] = {"status": status}
        if status == LetterStatus.SENT:
            values["sent_at"] = sent_at
        changed += db.session.execute(
            update(Letter).where(*condition).values(**values).execution_options(synchronize_session=False)
        ).rowcount
    return changed


# ---- coordinators: what was sent, the export, responses ----------------------------------------------


def tallies(campaign: LetterCampaign) -> dict[str, Any]:
    """Confirmed letters per target (with their status) and per day of confirmation."""
    sync_statuses(campaign.id)
    rows = db.session.execute(
        select(Letter.target_id, Letter.status, Letter.confirmed_at).where(
            Letter.campaign_id == campaign.id, Letter.status.in_(COUNTED_STATUSES)
        )
    ).all()
    names = {
        t.id: t.name
        for t in db.session.scalars(select(Target).where(Target.coalition_id == campaign.coalition_id))
    }
    per_target: dict[str, dict[str, int]] = {}
    per_day: dict[date, int] = {}
    for target_id, status, confirmed_at in rows:
        name = names.get(target_id, _("(removed)"))
        counts = per_target.setdefault(name, {"total": 0, "queued": 0, "sent": 0, "failed": 0})
        counts["total"] += 1
        counts[str(status) if str(status) in counts else "queued"] += 1
        if confirmed_at is not None:
            per_day[confirmed_at.date()] = per_day.get(confirmed_at.date(), 0) + 1
    pending = db.session.scalar(
        select(func.count())
        .select_from(Letter)
        .where(Letter.campaign_id == campaign.id, Letter.status == LetterStatus.PENDING)
    )
    return {
        "per_target": sorted(per_target.items(), key=lambda item: item[0].casefold()),
        "per_day": sorted(per_day.items(), reverse=True),
        "pending": pending,
    }


def export_letters(campaign: LetterCampaign, *, by: Any) -> str:
    """Every letter as CSV for coordinators (formula-safe); the view logs the download."""
    sync_statuses(campaign.id)
    rows = db.session.execute(
        select(Letter, Person.email, Target.name)
        .outerjoin(Person, Person.id == Letter.person_id)
        .outerjoin(Target, Target.id == Letter.target_id)
        .where(Letter.campaign_id == campaign.id)
        .order_by(Letter.id)
    ).all()
    log.info("letters of campaign %s exported by %s (%s rows)", campaign.id, by.id, len(rows))
    return to_csv(
        [
            "target",
            "name",
            "email",
            "region",
            "country",
            "subject",
            "body",
            "consent_coalition",
            "status",
            "written_at",
            "confirmed_at",
            "sent_at",
            "ip",
        ],
        [
            (
                target_name or "",
                x.name,
                email or "",
                x.region,
                x.country or "",
                x.subject,
                x.body,
                "yes" if x.consent_coalition else "no",
                str(x.status),
                x.created_at.isoformat(),
                x.confirmed_at.isoformat() if x.confirmed_at else "",
                x.sent_at.isoformat() if x.sent_at else "",
                x.ip,
            )
            for x, email, target_name in rows
        ],
    )


def response_targets(campaign: LetterCampaign) -> list[Target]:
    """Who may have answered: the targets the campaign's letters went to (and its fixed targets)."""
    ids = set(
        db.session.scalars(
            select(Letter.target_id).where(
                Letter.campaign_id == campaign.id, Letter.status.in_(COUNTED_STATUSES)
            )
        )
    ) | {t.id for t in campaign.targets}
    if not ids:
        return []
    return list(db.session.scalars(select(Target).where(Target.id.in_(ids)).order_by(Target.name)))


def record_response(
    campaign: LetterCampaign, target_id: int, *, text: str, responded_on: date | None, by: Any
) -> Response:
    """Record (or correct) one target's response; it is shown on the campaign's public page."""
    if target_id not in {t.id for t in response_targets(campaign)}:
        raise CampaignStateError(_("Choose one of the people the letters went to."))
    return targets.record_response(
        target_id, campaign_id=campaign.id, text=text, responded_on=responded_on, by=by
    )


def responses_of(campaign: LetterCampaign) -> list[Response]:
    return targets.responses_to(campaign_id=campaign.id)
