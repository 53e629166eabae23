"""Writing a letter and confirming it (double opt-in): pending letters to each recipient and the
e-mail with the link that confirms them (writing again sends nothing twice), the link read back,
and the confirmation that puts each letter on its way and records the writer's choices."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import exc, select, update

from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign, LetterStatus
from organiser.actions.letters.services.campaigns import CampaignStateError, consent_wording, recipients
from organiser.actions.letters.services.pacing import dispatch_confirmed, kind_of
from organiser.actions.letters.services.sponsors import sponsor_consent_wording, sponsor_for_writing
from organiser.actions.letters.services.versions import fill
from organiser.actions.targets.models import Target
from organiser.coalitions.models import Organisation
from organiser.db import db, utcnow
from organiser.messaging.services.outbox import queue_email_coalesced
from organiser.people.models import ConsentSubject, Person
from organiser.people.services import person_id_for, record_consent, supporter_email
from organiser.web import limits
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS, link_token, read_link_token
from organiser.web.urls import external_url

log = logging.getLogger(__name__)


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


# ---- writing ------------------------------------------------------------------------------------


SOURCE_KEYS = ("source", "utm_source", "utm_medium", "utm_campaign", "referrer")


def write(
    campaign: LetterCampaign, data: dict[str, Any], *, ip: str, source: dict[str, str] | None = None
) -> WriteResult:
    """Pending letters to each recipient, and an e-mail with the link that confirms them. The letter
    is ``data``'s subject and body (with ``{{ name }}`` and ``{{ area }}`` filled in), written from
    ``data["version"]``; ``source`` is where the writer came from (a co-sponsor's tracking code,
    utm fields, the referrer).

    Writing again is not an error and sends nothing twice: letters already written are kept as
    they are; pending ones get their confirmation again (a few times at most)."""
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
    written = {
        **fields,
        "person_id": person_id,
        "address": address,
        "ip": ip,
        **_words(data, region),
        **_origin(campaign, source or {}, consent_sponsor=bool(data.get("consent_sponsor"))),
    }
    created = [
        letter
        for target in recipients(campaign, data.get("area") or region)
        if target.id not in existing and (letter := _new_letter(campaign, target, data, written))
    ]
    _tell_writer(campaign, created, list(existing.values()), data["name"], address, person_id)
    db.session.flush()
    log.info("letter campaign %s: %s letters written", campaign.id, len(created))
    return WriteResult(len(created))


def _words(data: dict[str, Any], region: str) -> dict[str, Any]:
    """The letter's subject and body, the writer's name and area filled in, and its version."""
    version, name = data.get("version"), data["name"]
    return {
        "subject": fill(data["subject"], name=name, area=region).strip(),
        "body": fill(data["body"], name=name, area=region).strip(),
        "version_id": version.id if version is not None else None,
    }


def _origin(campaign: LetterCampaign, source: dict[str, str], *, consent_sponsor: bool) -> dict[str, Any]:
    """Where the writer came from; the accepted co-sponsor whose code it is, and its consent box."""
    sponsor = sponsor_for_writing(campaign, source.get("source", ""))  # (organisation id, name)
    return {
        **{key: source.get(key, "") for key in SOURCE_KEYS},
        "sponsor_organisation_id": sponsor[0] if sponsor else None,
        "consent_sponsor": bool(sponsor) and consent_sponsor,
    }


def _new_letter(
    campaign: LetterCampaign, target: Target, data: dict[str, Any], written: dict[str, Any]
) -> Letter | None:
    """A pending letter to this target; None if a request at the same moment wrote it (the unique
    constraint decides)."""
    letter = Letter(
        campaign_id=campaign.id,
        person_id=written["person_id"],
        target_id=target.id,
        name=data["name"],
        region=written["region"],
        country=written["country"],
        subject=written["subject"],
        body=written["body"],
        version_id=written["version_id"],
        consent_coalition=bool(data.get("consent_coalition")),
        consent_sponsor=written["consent_sponsor"],
        sponsor_organisation_id=written["sponsor_organisation_id"],
        **{key: written[key] for key in SOURCE_KEYS},
        ip=written["ip"][:64],
        email_domain=written["address"].rpartition("@")[2][:255],
        confirmation_sends=1,
    )
    try:
        with db.session.begin_nested():
            db.session.add(letter)
    except exc.IntegrityError:
        return None
    return letter


def _tell_writer(
    campaign: LetterCampaign,
    created: list[Letter],
    existing: list[Letter],
    name: str,
    address: str,
    person_id: int,
) -> None:
    """New letters: the link that confirms them (and any still pending). Writing again: the link
    again, or word that the letters went already, a few times at most."""
    pending = [x for x in existing if x.status == LetterStatus.PENDING]
    if created:
        _send_confirmation(campaign, [x.id for x in created + pending], name, address, person_id)
    elif existing and _may_send_again(existing):
        for letter in existing:
            letter.confirmation_sends += 1
        if pending:
            _send_confirmation(campaign, [x.id for x in pending], name, address, person_id)
        else:
            _send_written_already(campaign, name, address, person_id)


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


# ---- confirming ------------------------------------------------------------------------------------


def confirm(campaign: LetterCampaign, letters: list[Letter]) -> int:
    """Confirm the pending letters (each once, even under two clicks at once), each personal or
    unedited, and put them on their way at the campaign's pace (``pacing``); returns how many were
    confirmed now."""
    if campaign.status != CampaignStatus.OPEN:
        raise CampaignStateError(_("This campaign is closed: letters are no longer sent."))
    now = utcnow()
    consented: set[tuple[str, int]] = set()  # one ledger entry per writer and box, however many targets
    confirmed: list[Letter] = []
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
        letter.kind = kind_of(suggestion_for(letter), letter.body)
        confirmed.append(letter)
    if confirmed:
        db.session.execute(
            update(LetterCampaign)
            .where(LetterCampaign.id == campaign.id)
            .values(letter_count=LetterCampaign.letter_count + len(confirmed))
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    db.session.refresh(campaign)
    dispatch_confirmed(campaign, confirmed)
    for letter in confirmed:
        db.session.expire(letter)  # its status and outbox row were set by a bulk statement
    log.info("letter campaign %s: %s letters confirmed", campaign.id, len(confirmed))
    return len(confirmed)


def suggestion_for(letter: Letter) -> str:
    """The suggested letter as this writer was offered it: the version they started from (else the
    campaign's first), their name and area filled in. Their letter is compared with it."""
    version = letter.version
    body = version.body if version is not None else letter.campaign.body
    return fill(body, name=letter.name, area=letter.region)


def _apply_confirmed_choices(letter: Letter, consented: set[tuple[str, int]]) -> None:
    """The address is the writer's: their details go to their person record, the consent boxes they
    ticked to the ledger, with the wording and this time."""
    if letter.person_id is None:
        return
    person = db.session.get(Person, letter.person_id)
    person.name = letter.name or person.name
    person.region = letter.region or person.region
    person.country = letter.country or person.country
    if letter.consent_coalition and ("coalition", person.id) not in consented:
        consented.add(("coalition", person.id))
        record_consent(
            person,
            ConsentSubject.COALITION,
            letter.campaign.coalition_id,
            given=True,
            wording=consent_wording(letter.campaign),
            source=f"letters:{letter.campaign.slug}",
        )
    if letter.consent_sponsor and letter.sponsor_organisation_id and ("sponsor", person.id) not in consented:
        consented.add(("sponsor", person.id))
        organisation = db.session.get(Organisation, letter.sponsor_organisation_id)
        record_consent(
            person,
            ConsentSubject.ORGANISATION,
            organisation.id,
            given=True,
            wording=sponsor_consent_wording(organisation.name),
            source=f"letters:{letter.campaign.slug}",
        )
