"""Into the pool: volunteering through the public form (double opt-in: a pending volunteer and the
e-mail with the link that confirms it), and the organisers' CSV import (``id,name,email`` and one
column per category), checked row by row before anything is kept."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from organiser.assemblies.sortition.models import SortitionPool, Volunteer, VolunteerStatus
from organiser.db import db, utcnow
from organiser.messaging.services import queue_email
from organiser.people.services import person_id_for, supporter_email
from organiser.web.public_actions import MAX_CONFIRMATION_SENDS, link_token, row_for_link
from organiser.web.urls import external_url

MAX_IMPORT_ROWS = 20000


def _pseudonym() -> str:
    return f"P-{secrets.token_hex(4).upper()}"


def _volunteer_of(pool: SortitionPool, address: str) -> Volunteer | None:
    return db.session.scalar(
        select(Volunteer).where(Volunteer.pool_id == pool.id, Volunteer.email == address)
    )


def _person_id(pool: SortitionPool, address: str, name: str) -> int:
    return person_id_for(pool.assembly.coalition.lineage()[-1].id, address, {"name": name})


def volunteer(pool: SortitionPool, data: dict[str, Any], *, ip: str) -> Volunteer:
    """A pending volunteer and the e-mail with the link that confirms it. Volunteering again sends
    the link again (at most ``MAX_CONFIRMATION_SENDS`` times), with the answers typed now while
    nothing is confirmed; the page answers the same in every case."""
    address = supporter_email(data["email"])
    details = {
        "name": data["name"].strip(),
        "features": {c: data["features"][c] for c in pool.categories},
        "household": (data.get("household") or "").strip() if pool.one_per_household else "",
        "ip": ip[:64],
    }
    existing = _volunteer_of(pool, address)
    if existing is None:
        existing = Volunteer(
            pool_id=pool.id, email=address, pseudonym=_pseudonym(), confirmation_sends=0, **details
        )
        existing.person_id = _person_id(pool, address, details["name"])
        db.session.add(existing)
    elif existing.confirmation_sends >= MAX_CONFIRMATION_SENDS:
        return existing
    elif existing.status == VolunteerStatus.PENDING:
        for key, value in details.items():
            setattr(existing, key, value)
    existing.confirmation_sends += 1
    db.session.flush()
    _send_link(existing)
    return existing


def _send_link(volunteer: Volunteer) -> None:
    assembly = volunteer.pool.assembly
    confirmed = volunteer.status == VolunteerStatus.CONFIRMED
    link = external_url("sortition.confirm", slug=assembly.slug, token=confirmation_token(volunteer))
    subject = (
        _("You are in the pool: %(title)s", title=assembly.title)
        if confirmed
        else _("Confirm you are volunteering: %(title)s", title=assembly.title)
    )
    send(volunteer, "assemblies/sortition/email/confirm.txt", subject, link=link, confirmed=confirmed)


def send(volunteer: Volunteer, template: str, subject: str, **context: Any) -> None:
    """One e-mail to a volunteer through the outbox, tied to the person (erasure finds it)."""
    text = render_template(template, volunteer=volunteer, assembly=volunteer.pool.assembly, **context)
    row = queue_email(to=volunteer.email, subject=subject, text=text)
    row.person_id = volunteer.person_id
    db.session.flush()


def confirmation_token(volunteer: Volunteer) -> str:
    return link_token("sortition.volunteer", volunteer.id)


def volunteer_for_confirmation(token: str) -> Volunteer | None:
    return row_for_link(Volunteer, "sortition.volunteer", token)


def confirm(volunteer: Volunteer) -> None:
    """Into the pool (once: confirming again changes nothing)."""
    if volunteer.status == VolunteerStatus.PENDING:
        volunteer.status = VolunteerStatus.CONFIRMED
        volunteer.confirmed_at = utcnow()
        db.session.flush()


@dataclass
class ImportCheck:
    """A CSV checked: the rows it would add, and the errors by row number (the header is row 1)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def check_import(pool: SortitionPool, text: str) -> ImportCheck:
    """Each row: a name, a valid address not already in the pool nor repeated, and one of the
    pool's features in each category's column."""
    check = ImportCheck()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("id", "name", "email", *pool.categories) if c not in header]
    if missing:
        check.errors.append(_("Row 1: the columns %(names)s are missing.", names=", ".join(missing)))
        return check
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        if number > MAX_IMPORT_ROWS + 1:
            check.errors.append(
                _("Row %(n)d: at most %(max)d rows at a time.", n=number, max=MAX_IMPORT_ROWS)
            )
            break
        # a short row's missing cells are None; a long row's extra cells a list under None: both ignored
        row = {k.strip(): v.strip() if isinstance(v, str) else "" for k, v in row.items() if k is not None}
        problem = _row_problem(pool, row, seen)
        if problem:
            check.errors.append(_("Row %(n)d: %(problem)s", n=number, problem=problem))
        else:
            check.rows.append(row)
    return check


def _row_problem(pool: SortitionPool, row: dict[str, str], seen: set[str]) -> str:
    if not row["name"] or len(row["name"]) > 200:
        return _("the name is missing or too long.")
    try:
        validate_email(row["email"], check_deliverability=False)
    except EmailNotValidError:
        return _("the e-mail address is not valid.")
    address = supporter_email(row["email"])
    if address in seen or _volunteer_of(pool, address) is not None:
        return _("this e-mail address is in the pool already.")
    seen.add(address)
    for category, features in pool.categories.items():
        if row[category] not in features:
            return _(
                "“%(value)s” is not one of the features of %(category)s.",
                value=row[category],
                category=category,
            )
    return ""


def import_pool(pool: SortitionPool, check: ImportCheck) -> int:
    """Add the checked rows as confirmed volunteers (the organisers hold their consent); how many."""
    for row in check.rows:
        address = supporter_email(row["email"])
        db.session.add(
            Volunteer(
                pool_id=pool.id,
                person_id=_person_id(pool, address, row["name"]),
                pseudonym=_pseudonym(),
                name=row["name"][:200],
                email=address,
                features={c: row[c] for c in pool.categories},
                household=row.get("household", "")[:300],
                imported=True,
                status=VolunteerStatus.CONFIRMED,
                confirmed_at=utcnow(),
            )
        )
    db.session.flush()
    return len(check.rows)
