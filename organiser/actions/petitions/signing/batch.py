"""The intake's batch: ``sign`` for many signatures at once, as the intake's job writes a surge. On
PostgreSQL the people and the signatures of the whole batch go in with one statement, and their
confirmations with one more; elsewhere one ``sign`` after another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import Row, text

from organiser.actions.petitions.models import Petition
from organiser.actions.petitions.signing.mail import send_confirmations
from organiser.actions.petitions.signing.one import sign, signed_again
from organiser.actions.petitions.signing.row import (
    SIGNATURE_COLUMNS,
    SignResult,
    array_type,
    column_list,
    signature_row,
)
from organiser.db import db
from organiser.people.services import supporter_email


@dataclass(frozen=True)
class Entry:
    """One signature for ``sign_many``: what ``sign`` takes, decided in its request."""

    petition: Petition
    data: dict[str, Any]
    source: dict[str, str]
    flagged: bool
    at: datetime
    language: str


# The statement's arrays, in its order: ``n`` (the entry's place in the batch), the person's tree and
# address, then the signature's columns.
_COLUMNS = ("n", "tree_id", "email", *(c for c in SIGNATURE_COLUMNS if c not in ("tree_id", "email")))
_ARRAYS = ", ".join(f"CAST(:{c} AS {'integer[]' if c == 'n' else array_type(c)})" for c in _COLUMNS)

_SIGN_MANY_STATEMENT = text(
    f"""
WITH input AS (
    SELECT * FROM unnest({_ARRAYS}) AS t({column_list(columns=_COLUMNS)})
), person AS (
    INSERT INTO people (tree_id, email, name, postcode, region, country, created_at)
    SELECT DISTINCT ON (tree_id, email) tree_id, email, name, '', region, country, created_at
    FROM input ORDER BY tree_id, email, n
    ON CONFLICT (tree_id, email) DO UPDATE SET email = excluded.email  -- unchanged: so RETURNING answers
    RETURNING id, tree_id, email
), signature AS (
    INSERT INTO signatures (person_id, {column_list()})
    SELECT DISTINCT ON (i.petition_id, p.id) p.id, {column_list("i.")}
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
"""  # noqa: S608 (built from the constant column list in ``row``)
)


def sign_many(entries: list[Entry]) -> list[SignResult]:
    """``sign`` for a batch, as the intake's job writes a surge: on PostgreSQL the people and the
    signatures of the whole batch in one statement, and their confirmations in one more; elsewhere
    one ``sign`` after another. Same rules: the unique constraint decides who signed already (also
    within the batch), and those go the way of ``sign`` one by one."""
    if not entries:
        return []
    if db.session.get_bind().dialect.name != "postgresql":
        return [_sign_one(entry) for entry in entries]
    columns, addresses = _columns_of(entries)
    rows = db.session.execute(_SIGN_MANY_STATEMENT, columns).all()
    return _results(entries, addresses, rows)


def _sign_one(entry: Entry) -> SignResult:
    """One entry the portable way, in its signer's language."""
    with force_locale(entry.language):
        return sign(
            entry.petition,
            entry.data,
            source=entry.source,
            flagged=entry.flagged,
            at=entry.at,
            tell_if_signed=True,
        )


def _columns_of(entries: list[Entry]) -> tuple[dict[str, list[Any]], list[str]]:
    """The batch as the statement takes it, an array per column; and each entry's address."""
    columns: dict[str, list[Any]] = {key: [] for key in _COLUMNS}
    addresses: list[str] = []
    trees: dict[int, int] = {}
    for n, entry in enumerate(entries):
        petition = entry.petition
        address = supporter_email(entry.data["email"])
        addresses.append(address)
        if petition.id not in trees:
            trees[petition.id] = petition.coalition.lineage()[-1].id
        row = signature_row(
            petition,
            entry.data,
            entry.source,
            address=address,
            tree_id=trees[petition.id],
            flagged=entry.flagged,
            at=entry.at,
        )
        row["n"] = n
        for key, values in columns.items():
            values.append(row[key])
    return columns, addresses


def _results(entries: list[Entry], addresses: list[str], rows: list[Row[Any]]) -> list[SignResult]:
    """A result per entry, in order. The new signatures' confirmations go out in one insert; those
    signed before, or twice in this batch (rare), go the way of ``sign``, one by one."""
    results: list[SignResult | None] = [None] * len(entries)
    created: set[int] = set()
    confirmations, again = [], []
    for n, person_id, signature_id in rows:
        entry = entries[n]
        if signature_id is not None and signature_id not in created:
            created.add(signature_id)
            results[n] = SignResult(signature_id, True, False, entry.flagged)
            if not entry.flagged:
                confirmations.append((entry, signature_id, addresses[n], person_id))
        else:
            again.append((n, person_id))
    send_confirmations(confirmations)
    for n, person_id in again:
        entry = entries[n]
        with force_locale(entry.language):
            results[n] = signed_again(
                entry.petition, person_id, entry.data["name"], addresses[n], entry.flagged, True
            )
    return [result for result in results if result is not None]
