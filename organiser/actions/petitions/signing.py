"""The sign request, made short: the few statements one signature needs, and nothing else.

What a new signature costs on PostgreSQL (round trips): the petition (a snapshot, in the view), the
rate-limit counters (one Redis pipeline), the person and the signature in one statement of
data-modifying CTEs (``INSERT … ON CONFLICT``; a known person is left as it is, and the consent
boxes wait on the signature until the e-mailed link confirms it), the outbox row, the commit, and a
``SET NX`` for the waiting delivery job. The first version selected before each insert and flushed
after each change: 13 statements. SQLite has ``ON CONFLICT`` too (3.24+) and ``RETURNING`` (3.35+);
any other database takes the portable select-then-insert path.

Double opt-in, one signature per person and petition (the unique constraint decides, even between
two concurrent requests), and the confirmation re-sent at most ``MAX_CONFIRMATION_SENDS`` times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select, text, update

from organiser.actions.petitions import abuse
from organiser.actions.petitions.models import Petition, Signature, SignatureState
from organiser.db import db, dialect_insert, utcnow
from organiser.messaging.services.outbox import queue_email_coalesced
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person
from organiser.people.services import person_id_for, supporter_email
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS, link_token
from organiser.web.templating import render_with_holes
from organiser.web.urls import external_url


@dataclass(frozen=True)
class SignResult:
    signature_id: int
    created: bool
    confirmed: bool  # signed and confirmed before: the person is told so
    flagged: bool  # over a rate limit: stored, not e-mailed, never counted (never shown as such)


def sign(
    petition: Petition,
    data: dict[str, Any],
    *,
    source: dict[str, str],
    flagged: bool | None = None,
    at: datetime | None = None,
    tell_if_signed: bool = False,
) -> SignResult:
    """Record a signature (pending, or silently ``over_limit``) and e-mail the confirmation link.

    The intake's batch job (``organiser.actions.petitions.intake``) passes what the request decided: whether
    it went over a rate limit (``flagged``; otherwise counted here), when it came (``at``), and
    ``tell_if_signed``: its page could not say "you have signed already", so an e-mail does."""
    address = supporter_email(data["email"])
    domain = address.rpartition("@")[2]
    if flagged is None:
        flagged = abuse.over_limit(petition.id, source.get("ip", ""), domain)
    at = at or utcnow()
    fields = {
        "name": data["name"],
        "region": data.get("region") or "",
        "country": data.get("country") or None,
    }
    tree_id = petition.coalition.lineage()[-1].id
    state = SignatureState.OVER_LIMIT if flagged else SignatureState.PENDING
    values = {
        "petition_id": petition.id,
        "name": data["name"],
        "region": fields["region"],
        "country": fields["country"],
        "comment": data.get("comment") or "",
        "public_name": bool(data.get("public_name")),
        "state": state,
        "email_domain": domain[:255],
        "confirmation_sends": 0 if flagged else 1,
        "created_at": at,
        **source,
    }
    from organiser.actions.petitions.sponsors import sponsor_for_signing

    sponsor = sponsor_for_signing(petition, source.get("source", ""))  # (organisation id, name)
    values["sponsor_organisation_id"] = sponsor[0] if sponsor else None
    # Anyone can type an address: the boxes are kept on the signature and reach the consent ledger,
    # and its details the person's record, only when the link in that mailbox confirms it
    # (``apply_confirmed_choices``). A new person's record starts from what they typed.
    values["consent_coalition"] = bool(data.get("consent_coalition")) and not flagged
    values["consent_sponsor"] = bool(sponsor and data.get("consent_sponsor")) and not flagged
    if db.session.get_bind().dialect.name == "postgresql":
        person_id, signature_id = _sign_in_one_statement(tree_id, address, values)
    else:
        person_id = person_id_for(tree_id, address, fields)
        signature_id = _insert_signature({**values, "person_id": person_id})
    if signature_id is not None:
        if not flagged:
            _send_confirmation(petition, signature_id, data["name"], address, person_id)
        return SignResult(signature_id, True, False, flagged)
    return _signed_again(petition, person_id, data["name"], address, flagged, tell_if_signed)


_SIGN_STATEMENT = text(
    """
WITH person AS (
    INSERT INTO people (tree_id, email, name, postcode, region, country, created_at)
    VALUES (:tree_id, :email, :name, '', :region, :country, :now)
    ON CONFLICT (tree_id, email) DO UPDATE SET email = excluded.email  -- unchanged: so RETURNING answers
    RETURNING id
), signature AS (
    INSERT INTO signatures (petition_id, person_id, name, region, country, comment, public_name, source,
        utm_source, utm_medium, utm_campaign, referrer, ip, confirmation_sends, created_at, state,
        email_domain, sponsor_organisation_id, consent_coalition, consent_sponsor)
    SELECT :petition_id, id, :name, :region, :country, :comment, :public_name, :source,
        :utm_source, :utm_medium, :utm_campaign, :referrer, :ip, :confirmation_sends, :now, :state,
        :email_domain, :sponsor_organisation_id, :consent_coalition, :consent_sponsor
    FROM person
    ON CONFLICT (petition_id, person_id) DO NOTHING
    RETURNING id
)
SELECT person.id, signature.id FROM person LEFT JOIN signature ON true
"""
)


def _sign_in_one_statement(tree_id: int, address: str, values: dict[str, Any]) -> tuple[int, int | None]:
    """PostgreSQL: the person (created, or found unchanged) and the signature in one round trip, as
    data-modifying CTEs. Same rules as the portable path below."""
    params = {
        **{
            key: values.get(key, "") for key in ("utm_source", "utm_medium", "utm_campaign", "referrer", "ip")
        },
        **values,
        "state": str(values["state"]),
        "tree_id": tree_id,
        "email": address,
        "now": values["created_at"],
        "source": values.get("source", ""),
    }
    person_id, signature_id = db.session.execute(_SIGN_STATEMENT, params).one()
    return person_id, signature_id


def _signed_again(
    petition: Petition, person_id: int, name: str, address: str, flagged: bool, tell_if_signed: bool = False
) -> SignResult:
    """Signing again is not an error: confirmed stays confirmed (and, from the intake, is told so by
    e-mail), pending gets its link again; either at most ``MAX_CONFIRMATION_SENDS`` times."""
    existing = db.session.execute(
        select(Signature.id, Signature.state, Signature.confirmed_at, Signature.confirmation_sends).where(
            Signature.petition_id == petition.id, Signature.person_id == person_id
        )
    ).one()
    confirmed = existing.confirmed_at is not None and existing.state in (
        SignatureState.CONFIRMED,
        SignatureState.COUNTED,
    )
    pending = existing.state == SignatureState.PENDING
    if (
        flagged
        or existing.confirmation_sends >= MAX_CONFIRMATION_SENDS
        or not (pending or (confirmed and tell_if_signed))
    ):
        return SignResult(existing.id, False, confirmed, flagged)
    db.session.execute(
        update(Signature)
        .where(Signature.id == existing.id)
        .values(confirmation_sends=Signature.confirmation_sends + 1)
        .execution_options(synchronize_session=False)
    )
    if pending:
        _send_confirmation(petition, existing.id, name, address, person_id)
    else:
        _send_signed_already(petition, name, address, person_id)
    return SignResult(existing.id, False, confirmed, flagged)


def _record_coalition_consent(person_id: int, petition: Petition) -> None:
    """The ledger event and the current state, as ``people.services.record_consent`` keeps them."""
    from organiser.actions.petitions.services import consent_wording

    now = utcnow()
    subject = {
        "person_id": person_id,
        "subject_type": ConsentSubject.COALITION,
        "subject_id": petition.coalition_id,
        "channel": "email",
    }
    db.session.execute(
        insert(ConsentEvent).values(
            **subject,
            given=True,
            wording=consent_wording(petition),
            source=f"petition:{petition.slug}",
            created_at=now,
        )
    )
    statement = dialect_insert(ConsentState)
    if statement is None:
        from organiser.people.services import record_consent

        person = db.session.get(Person, person_id)
        record_consent(person, ConsentSubject.COALITION, petition.coalition_id, given=True)
        return
    statement = statement.values(**subject, granted=True, updated_at=now)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                ConsentState.person_id,
                ConsentState.subject_type,
                ConsentState.subject_id,
                ConsentState.channel,
            ],
            set_={"granted": True, "updated_at": now},
        )
    )


def apply_confirmed_choices(signature: Signature) -> None:
    """The signature is confirmed: the address is the signer's. Their details go to their person
    record, and the consent boxes they ticked go to the ledger, with the wording and this time."""
    if signature.person_id is None or signature.state == SignatureState.OVER_LIMIT:
        return
    person = db.session.get(Person, signature.person_id)
    person.name = signature.name or person.name
    person.region = signature.region or person.region
    person.country = signature.country or person.country
    petition = signature.petition
    if signature.consent_coalition:
        _record_coalition_consent(person.id, petition)
    if signature.consent_sponsor and signature.sponsor_organisation_id:
        from organiser.coalitions.models import Organisation

        organisation = db.session.get(Organisation, signature.sponsor_organisation_id)
        if organisation is not None:
            _record_sponsor_consent(person.id, petition, (organisation.id, organisation.name))
    db.session.flush()


def _record_sponsor_consent(person_id: int, petition: Petition, sponsor: tuple[int, str]) -> None:
    """The signer ticked the box of the co-sponsor whose tracking link brought them."""
    from organiser.actions.petitions.sponsors import sponsor_consent_wording
    from organiser.people.services import record_consent

    organisation_id, name = sponsor
    record_consent(
        db.session.get(Person, person_id),
        ConsentSubject.ORGANISATION,
        organisation_id,
        given=True,
        wording=sponsor_consent_wording(name),
        source=f"petition:{petition.slug}",
    )


def _insert_signature(values: dict[str, Any]) -> int | None:
    """The new signature's id, or None if this person has signed this petition already."""
    statement = dialect_insert(Signature)
    if statement is None:
        if db.session.scalar(
            select(Signature.id).where(
                Signature.petition_id == values["petition_id"], Signature.person_id == values["person_id"]
            )
        ):
            return None
        signature = Signature(**values)
        db.session.add(signature)
        db.session.flush()
        return signature.id
    statement = (
        statement.values(**values)
        .on_conflict_do_nothing(index_elements=[Signature.petition_id, Signature.person_id])
        .returning(Signature.id)
    )
    return db.session.execute(statement).scalar_one_or_none()


def _send_confirmation(
    petition: Petition, signature_id: int, name: str, address: str, person_id: int
) -> None:
    queue_email_coalesced(**_confirmation(petition, signature_id, name, address, person_id))


def _confirmation(
    petition: Petition, signature_id: int, name: str, address: str, person_id: int
) -> dict[str, Any]:
    """The e-mail with the link that confirms a signature, in the current language."""
    link = external_url("petitions.confirm", slug=petition.slug, token=link_token("signature", signature_id))
    text = render_with_holes(
        "actions/petitions/email/confirm.txt",
        (petition.id, petition.title),
        {"name": name, "link": link},
        petition=petition,
    )
    subject = _("Confirm your signature: %(title)s", title=petition.title)
    return {"to": address, "subject": subject, "text": text, "person_id": person_id}


def _send_signed_already(petition: Petition, name: str, address: str, person_id: int) -> None:
    """Someone signed again after confirming: the mailbox's owner is told it counted already."""
    link = external_url("petitions.petition", slug=petition.slug)
    text = render_with_holes(
        "actions/petitions/email/signed_already.txt",
        (petition.id, petition.title),
        {"name": name, "link": link},
        petition=petition,
    )
    queue_email_coalesced(
        to=address,
        subject=_("You have signed already: %(title)s", title=petition.title),
        text=text,
        person_id=person_id,
    )


@dataclass(frozen=True)
class Entry:
    """One signature for ``sign_many``: what ``sign`` takes, decided in its request."""

    petition: Petition
    data: dict[str, Any]
    source: dict[str, str]
    flagged: bool
    at: datetime
    language: str


_SIGN_MANY_STATEMENT = text(
    """
WITH input AS (
    SELECT * FROM unnest(
        CAST(:n AS integer[]), CAST(:tree_id AS integer[]), CAST(:email AS varchar[]),
        CAST(:name AS varchar[]), CAST(:region AS varchar[]), CAST(:country AS varchar[]),
        CAST(:petition_id AS integer[]), CAST(:comment AS text[]), CAST(:public_name AS boolean[]),
        CAST(:source AS varchar[]), CAST(:utm_source AS varchar[]), CAST(:utm_medium AS varchar[]),
        CAST(:utm_campaign AS varchar[]), CAST(:referrer AS varchar[]), CAST(:ip AS varchar[]),
        CAST(:confirmation_sends AS integer[]), CAST(:created_at AS timestamptz[]), CAST(:state AS varchar[]),
        CAST(:email_domain AS varchar[]), CAST(:sponsor_organisation_id AS integer[]),
        CAST(:consent_coalition AS boolean[]), CAST(:consent_sponsor AS boolean[])
    ) AS t(n, tree_id, email, name, region, country, petition_id, comment, public_name, source,
        utm_source, utm_medium, utm_campaign, referrer, ip, confirmation_sends, created_at, state,
        email_domain, sponsor_organisation_id, consent_coalition, consent_sponsor)
), person AS (
    INSERT INTO people (tree_id, email, name, postcode, region, country, created_at)
    SELECT DISTINCT ON (tree_id, email) tree_id, email, name, '', region, country, created_at
    FROM input ORDER BY tree_id, email, n
    ON CONFLICT (tree_id, email) DO UPDATE SET email = excluded.email  -- unchanged: so RETURNING answers
    RETURNING id, tree_id, email
), signature AS (
    INSERT INTO signatures (petition_id, person_id, name, region, country, comment, public_name, source,
        utm_source, utm_medium, utm_campaign, referrer, ip, confirmation_sends, created_at, state,
        email_domain, sponsor_organisation_id, consent_coalition, consent_sponsor)
    SELECT DISTINCT ON (i.petition_id, p.id) i.petition_id, p.id, i.name, i.region, i.country, i.comment,
        i.public_name, i.source, i.utm_source, i.utm_medium, i.utm_campaign, i.referrer, i.ip,
        i.confirmation_sends, i.created_at, i.state, i.email_domain, i.sponsor_organisation_id,
        i.consent_coalition, i.consent_sponsor
    FROM input i JOIN person p ON p.tree_id = i.tree_id AND p.email = i.email
    ORDER BY i.petition_id, p.id, i.n
    ON CONFLICT (petition_id, person_id) DO NOTHING
    RETURNING id, petition_id, person_id
)
SELECT i.n, p.id, s.id
FROM input i
JOIN person p ON p.tree_id = i.tree_id AND p.email = i.email
LEFT JOIN signature s ON s.petition_id = i.petition_id AND s.person_id = p.id
ORDER BY i.n
"""
)

_COLUMNS = (
    "tree_id",
    "email",
    "name",
    "region",
    "country",
    "petition_id",
    "comment",
    "public_name",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
    "ip",
    "confirmation_sends",
    "created_at",
    "state",
    "email_domain",
    "sponsor_organisation_id",
    "consent_coalition",
    "consent_sponsor",
)


def sign_many(entries: list[Entry]) -> list[SignResult]:
    """``sign`` for a batch, as the intake's job writes a surge: on PostgreSQL the people and the
    signatures of the whole batch in one statement, and their confirmations in one more; elsewhere
    one ``sign`` after another. Same rules: the unique constraint decides who signed already (also
    within the batch), and those go the way of ``sign`` one by one."""
    if not entries:
        return []
    if db.session.get_bind().dialect.name != "postgresql":
        results = []
        for entry in entries:
            with force_locale(entry.language):
                results.append(
                    sign(
                        entry.petition,
                        entry.data,
                        source=entry.source,
                        flagged=entry.flagged,
                        at=entry.at,
                        tell_if_signed=True,
                    )
                )
        return results
    from organiser.actions.petitions.sponsors import sponsor_for_signing

    columns: dict[str, list[Any]] = {key: [] for key in ("n", *_COLUMNS)}
    addresses, trees = [], {}
    for n, entry in enumerate(entries):
        petition, data, flagged = entry.petition, entry.data, entry.flagged
        address = supporter_email(data["email"])
        addresses.append(address)
        if petition.id not in trees:
            trees[petition.id] = petition.coalition.lineage()[-1].id
        sponsor = sponsor_for_signing(petition, entry.source.get("source", ""))
        row = {
            "n": n,
            "tree_id": trees[petition.id],
            "email": address,
            "name": data["name"],
            "region": data.get("region") or "",
            "country": data.get("country") or None,
            "petition_id": petition.id,
            "comment": data.get("comment") or "",
            "public_name": bool(data.get("public_name")),
            "confirmation_sends": 0 if flagged else 1,
            "created_at": entry.at,
            "state": str(SignatureState.OVER_LIMIT if flagged else SignatureState.PENDING),
            "email_domain": address.rpartition("@")[2][:255],
            "sponsor_organisation_id": sponsor[0] if sponsor else None,
            "consent_coalition": bool(data.get("consent_coalition")) and not flagged,
            "consent_sponsor": bool(sponsor and data.get("consent_sponsor")) and not flagged,
        }
        for key in ("source", "utm_source", "utm_medium", "utm_campaign", "referrer", "ip"):
            row[key] = entry.source.get(key, "")
        for key, values in columns.items():
            values.append(row[key])
    rows = db.session.execute(_SIGN_MANY_STATEMENT, columns).all()
    results: list[SignResult | None] = [None] * len(entries)
    created: set[int] = set()
    confirmations = []
    again = []
    for n, person_id, signature_id in rows:
        entry = entries[n]
        if signature_id is not None and signature_id not in created:
            created.add(signature_id)
            results[n] = SignResult(signature_id, True, False, entry.flagged)
            if not entry.flagged:
                confirmations.append((entry, signature_id, addresses[n], person_id))
        else:
            again.append((n, person_id))
    _send_confirmations(confirmations)
    for n, person_id in again:  # signed before, or twice in this batch: rare, one by one
        entry = entries[n]
        with force_locale(entry.language):
            results[n] = _signed_again(
                entry.petition, person_id, entry.data["name"], addresses[n], entry.flagged, True
            )
    return [result for result in results if result is not None]


def _send_confirmations(confirmations: list[tuple[Entry, int, str, int]]) -> None:
    """The confirmation e-mails of a batch, as one multi-row insert into the outbox."""
    from organiser.messaging.services.outbox import insert_messages

    messages = []
    for entry, signature_id, address, person_id in sorted(confirmations, key=lambda c: c[0].language):
        with force_locale(entry.language):
            messages.append(
                _confirmation(entry.petition, signature_id, entry.data["name"], address, person_id)
            )
    insert_messages(messages)
