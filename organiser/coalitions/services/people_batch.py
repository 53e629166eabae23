"""One batch of a supporters' import, in a few bulk statements whatever its size: the people already
in the coalition tree read at once, the new ones inserted at once, the empty fields of those already
there filled by one statement, and the stated consent appended to the ledger for all of them.

What a batch never does: add or consent anyone on the suppression list (unsubscribed from everything,
bounced, complained, erased), turn a withdrawn consent back into a granted one, overwrite a value a
person gave, or record the same consent (same wording, source and date) for a person twice."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from organiser.coalitions.imports.people import Supporter
from organiser.coalitions.models import SupporterImport, SupporterImportPerson
from organiser.db import db, dialect_insert, utcnow
from organiser.messaging.services.suppression import suppressed_addresses
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person

FIELDS = ("name", "postcode", "region", "country", "language")
_NULLABLE = {"country", "language"}
# Core tables, not the ORM entities: a batch is one executemany per statement, which SQLAlchemy sends
# as a few multi-row INSERTs ("insertmanyvalues") without building ORM state for each row.
_PEOPLE, _EVENTS = Person.__table__, ConsentEvent.__table__
_STATES, _LINKS = ConsentState.__table__, SupporterImportPerson.__table__


@dataclass(frozen=True)
class Known:
    """A person already in the tree: their id and the fields they have."""

    id: int
    values: dict[str, str] = field(hash=False, compare=False)


@dataclass
class Plan:
    """What a batch does to the people already in the tree: the fields to fill, who gets the
    stated consent, and what each one's outcome is."""

    fills: dict[int, dict[str, str]] = field(default_factory=dict)
    consent_for: list[int] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)


def import_batch(imp: SupporterImport, tree_id: int, batch: list[tuple[str, Supporter]]) -> Counter[str]:
    """Write one batch of the file's supporters (address, values); the count of each outcome."""
    suppressed = suppressed_addresses({address: s.written for address, s in batch})
    wanted = {address: s for address, s in batch if address not in suppressed}
    known = _known(tree_id, list(wanted))
    created = _insert_people(tree_id, {a: s for a, s in wanted.items() if a not in known})
    known.update(_known(tree_id, [a for a in wanted if a not in known and a not in created]))  # raced
    withdrawn, consented = _consent_states(imp, [k.id for k in known.values()])
    plan = _plan(imp, {known[a]: wanted[a] for a in known}, withdrawn)
    if imp.consent_given:
        plan.consent_for += created.values()
    plan.outcomes.update(dict.fromkeys(created.values(), "created"))
    _fill(plan.fills)
    _record_consent(imp, plan.consent_for, consented)
    _link(imp.id, plan.outcomes)
    plan.counts.update(created=len(created), suppressed=len(suppressed))
    return plan.counts


def _plan(imp: SupporterImport, known: dict[Known, Supporter], withdrawn: set[int]) -> Plan:
    """For each person already there: left as they are if they withdrew their consent; otherwise
    their empty fields filled from the file, and the stated consent unless they have it already."""
    plan = Plan()
    recorded = _already_recorded(imp, [person.id for person in known])
    for person, supporter in known.items():
        if person.id in withdrawn:
            plan.counts["withdrawn"] += 1
            continue
        fill = {k: v for k, v in supporter.values.items() if k in FIELDS and v and not person.values[k]}
        gives = bool(imp.consent_given) and person.id not in recorded
        if fill:
            plan.fills[person.id] = fill
        if gives:
            plan.consent_for.append(person.id)
        if fill or gives:
            plan.outcomes[person.id] = "merged"
        plan.counts["merged" if fill or gives else "unchanged"] += 1
    return plan


def _known(tree_id: int, addresses: list[str]) -> dict[str, Known]:
    if not addresses:
        return {}
    columns = [Person.id, Person.email, *(getattr(Person, f) for f in FIELDS)]
    rows = db.session.execute(select(*columns).where(Person.tree_id == tree_id, Person.email.in_(addresses)))
    return {row.email: Known(row.id, {f: getattr(row, f) or "" for f in FIELDS}) for row in rows}


def _insert_people(tree_id: int, new: dict[str, Supporter]) -> dict[str, int]:
    """Insert the people not in the tree yet; their ids by address. Someone who joined the tree
    meanwhile (a signature) is left out here, and found again as already there."""
    if not new:
        return {}
    now = utcnow()
    rows = [
        {
            "tree_id": tree_id,
            "email": address,
            "created_at": now,
            **{f: (s.values.get(f) or (None if f in _NULLABLE else "")) for f in FIELDS},
        }
        for address, s in new.items()
    ]
    statement = dialect_insert(_PEOPLE)
    if statement is None:  # only PostgreSQL and SQLite are supported
        raise RuntimeError("Importing supporters needs PostgreSQL or SQLite.")
    statement = statement.on_conflict_do_nothing(index_elements=["tree_id", "email"])
    inserted = db.session.execute(statement.returning(_PEOPLE.c.id, _PEOPLE.c.email), rows)
    return {email: person_id for person_id, email in inserted}


def _consent_states(imp: SupporterImport, ids: list[int]) -> tuple[set[int], set[int]]:
    """Of these people: who withdrew their consent to hear from the coalition, and who has it."""
    if not ids:
        return set(), set()
    rows = db.session.execute(
        select(ConsentState.person_id, ConsentState.granted).where(
            ConsentState.person_id.in_(ids),
            ConsentState.subject_type == ConsentSubject.COALITION,
            ConsentState.subject_id == imp.coalition_id,
            ConsentState.channel == "email",
        )
    )
    states = {person_id: granted for person_id, granted in rows}
    return {p for p, granted in states.items() if not granted}, {
        p for p, granted in states.items() if granted
    }


def agreed_at(imp: SupporterImport) -> datetime:
    """The stated date as the ledger keeps it: the start of that day, UTC."""
    assert imp.consent_date is not None
    return datetime.combine(imp.consent_date, time(), tzinfo=UTC)


def _ledger_match(imp: SupporterImport) -> list[Any]:
    return [
        ConsentEvent.subject_type == ConsentSubject.COALITION,
        ConsentEvent.subject_id == imp.coalition_id,
        ConsentEvent.channel == "email",
        ConsentEvent.given.is_(True),
        ConsentEvent.wording == imp.consent_wording,
        ConsentEvent.source == imp.consent_source,
        ConsentEvent.created_at == agreed_at(imp),
    ]


def _already_recorded(imp: SupporterImport, ids: list[int]) -> set[int]:
    """Who already has this very consent (same wording, source and date) in the ledger."""
    if not ids or not imp.consent_given:
        return set()
    query = select(ConsentEvent.person_id).where(ConsentEvent.person_id.in_(ids), *_ledger_match(imp))
    return set(db.session.scalars(query))


def _fill(fills: dict[int, dict[str, str]]) -> None:
    """Fill each person's empty fields, in one statement: a field that is no longer empty when it
    runs (the person confirmed a signature meanwhile) keeps its value."""
    if not fills:
        return
    values = {f: func.coalesce(func.nullif(_PEOPLE.c[f], ""), bindparam(f"new_{f}")) for f in FIELDS}
    statement = update(_PEOPLE).where(_PEOPLE.c.id == bindparam("person_id")).values(**values)
    params = [
        {"person_id": person_id, **{f"new_{f}": fill.get(f) or _empty(f) for f in FIELDS}}
        for person_id, fill in fills.items()
    ]
    db.session.execute(statement, params)


def _empty(field: str) -> str | None:
    return None if field in _NULLABLE else ""


def _record_consent(imp: SupporterImport, person_ids: list[int], consented: set[int]) -> None:
    """The stated consent in the ledger, and the current state granted where there was none (a
    state that is there is granted already: the withdrawn were left out)."""
    if not person_ids:
        return
    event = {
        "subject_type": str(ConsentSubject.COALITION),
        "subject_id": imp.coalition_id,
        "channel": "email",
        "given": True,
        "wording": imp.consent_wording,
        "source": imp.consent_source,
        "created_at": agreed_at(imp),
    }
    db.session.execute(insert(_EVENTS), [{"person_id": p, **event} for p in person_ids])
    new_states = [p for p in person_ids if p not in consented]
    if not new_states:
        return
    state = {key: event[key] for key in ("subject_type", "subject_id", "channel")}
    rows = [{"person_id": p, **state, "granted": True, "updated_at": utcnow()} for p in new_states]
    statement = dialect_insert(ConsentState).values(rows)
    # A withdrawal that lands between the read and this insert wins: nothing is flipped back.
    db.session.execute(
        statement.on_conflict_do_nothing(
            index_elements=["person_id", "subject_type", "subject_id", "channel"]
        )
    )


def _link(import_id: int, outcomes: dict[int, str]) -> None:
    if outcomes:
        rows = [{"import_id": import_id, "person_id": p, "outcome": o} for p, o in outcomes.items()]
        db.session.execute(insert(_LINKS), rows)
