"""A signature at a time: the sign request (and each signature of a batch off PostgreSQL), and
signing again, which is not an error: confirmed stays confirmed, pending gets its link again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update

from organiser.actions.petitions import abuse
from organiser.actions.petitions.models import Petition, Signature, SignatureState
from organiser.actions.petitions.signing.mail import send_confirmation, send_signed_already
from organiser.actions.petitions.signing.row import SignResult, column_list, signature_row
from organiser.db import db, dialect_insert, utcnow
from organiser.people.services import person_id_for, supporter_email
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS


def sign(
    petition: Petition,
    data: dict[str, Any],
    *,
    source: dict[str, str],
    flagged: bool | None = None,
    at: datetime | None = None,
    tell_if_signed: bool = False,
    send_mail: bool = True,
) -> SignResult:
    """Record a signature (pending, or silently ``over_limit``) and e-mail the confirmation link.

    The intake's batch job (``organiser.actions.petitions.intake``) passes what the request decided: whether
    it went over a rate limit (``flagged``; otherwise counted here), when it came (``at``), and
    ``tell_if_signed``: its page could not say "you have signed already", so an e-mail does.
    ``send_mail=False``: no e-mail at all, for a signature its caller confirms at once (the API's
    helper, when the key's owner vouches that the signer confirmed on its own site)."""
    address = supporter_email(data["email"])
    if flagged is None:
        flagged = abuse.over_limit(petition.id, source.get("ip", ""), address.rpartition("@")[2])
    tree_id = petition.coalition.lineage()[-1].id
    row = signature_row(
        petition, data, source, address=address, tree_id=tree_id, flagged=flagged, at=at or utcnow()
    )
    person_id, signature_id = _insert(row)
    if signature_id is None:
        if not send_mail:
            return signed_again(petition, person_id, data["name"], address, True)
        return signed_again(petition, person_id, data["name"], address, flagged, tell_if_signed)
    if not flagged and send_mail:
        send_confirmation(petition, signature_id, data["name"], address, person_id)
    return SignResult(signature_id, True, False, flagged)


_SIGN_STATEMENT = text(
    f"""
WITH person AS (
    INSERT INTO people (tree_id, email, name, postcode, region, country, created_at)
    VALUES (:tree_id, :email, :name, '', :region, :country, :created_at)
    ON CONFLICT (tree_id, email) DO UPDATE SET email = excluded.email  -- unchanged: so RETURNING answers
    RETURNING id
), signature AS (
    INSERT INTO signatures (person_id, {column_list()})
    SELECT id, {column_list(":")}
    FROM person
    ON CONFLICT (petition_id, person_id) DO NOTHING
    RETURNING id
)
SELECT person.id, signature.id FROM person LEFT JOIN signature ON true
"""  # noqa: S608 (built from the constant column list in ``row``)
)


def _insert(row: dict[str, Any]) -> tuple[int, int | None]:
    """The person (created, or found unchanged) and the new signature's id (None: signed before).
    PostgreSQL: both in one round trip, as data-modifying CTEs; elsewhere the portable path."""
    if db.session.get_bind().dialect.name == "postgresql":
        person_id, signature_id = db.session.execute(_SIGN_STATEMENT, row).one()
        return person_id, signature_id
    person_id = person_id_for(
        row["tree_id"], row["email"], {key: row[key] for key in ("name", "region", "country")}
    )
    values = {key: value for key, value in row.items() if key not in ("tree_id", "email")}
    return person_id, _insert_signature({**values, "person_id": person_id})


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


def signed_again(
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
        send_confirmation(petition, existing.id, name, address, person_id)
    else:
        send_signed_already(petition, name, address, person_id)
    return SignResult(existing.id, False, confirmed, flagged)
