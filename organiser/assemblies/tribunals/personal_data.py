"""What tribunals keep about a witness, registered with privacy: their testimonies, shown on their
own page and in their download, and erased. Erasing blanks the testimony in place (the name,
address, pseudonym, the account itself, the IP address), deletes its files and marks it withdrawn,
so nothing of it stays public. Testimonies do not expire with the coalition's retention: an
approved one is part of the tribunal's public record, as its witness allowed; the witness withdraws
or erases it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals.models import Testimony, TestimonyAttachment, TestimonyStatus
from organiser.db import db, utcnow
from organiser.people.models import Person
from organiser.privacy.registry import AnonymisedRows, PersonalData, personal_values


def _collect(person: Person) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Testimony, Assembly.title, Assembly.slug)
        .join(Assembly, Assembly.id == Testimony.assembly_id)
        .where(Testimony.person_id == person.id)
        .order_by(Testimony.created_at)
    ).all()
    return [
        {
            "title": title,
            "assembly_slug": slug,
            **personal_values(t),
            "publication": str(t.publication),
            "status": str(t.status),
            "files": ", ".join(a.filename for a in t.attachments),
            "submitted_at": t.created_at,
        }
        for t, title, slug in rows
    ]


def _without_files(condition: Any) -> None:
    """Before the rows are blanked: their files go, and they are withdrawn."""
    ids = select(Testimony.id).where(condition).scalar_subquery()
    db.session.execute(
        delete(TestimonyAttachment)
        .where(TestimonyAttachment.testimony_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Testimony)
        .where(condition, Testimony.status != TestimonyStatus.WITHDRAWN)
        .values(status=TestimonyStatus.WITHDRAWN, withdrawn_at=utcnow())
        .execution_options(synchronize_session=False)
    )


ROWS = AnonymisedRows(Testimony, Testimony.assembly_id, Assembly.id, before=_without_files)

TESTIMONIES = PersonalData(
    name="tribunal_testimonies",
    label=_l("Testimonies you gave"),
    collect=_collect,
    erase=ROWS.erase,
    minimise=ROWS.minimise,  # IP addresses kept against abuse, once older than the window
)
