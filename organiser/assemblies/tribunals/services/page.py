"""What the tribunal's public page shows, built here so that nothing private can reach a template:
the charges in order, each with its approved testimonies (each witness shown only as they chose: by
name, by pseudonym, or as an anonymous witness; "not public" ones not at all) and, once the judgment
is published, the panel's verdict; the panel; the judgment's date and summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organiser.assemblies.models import Assembly, AssemblyKind
from organiser.assemblies.tribunals.models import (
    Charge,
    Judgment,
    PanelMember,
    Publication,
    Testimony,
    TestimonyStatus,
    Verdict,
)
from organiser.assemblies.tribunals.services.charges import charges_of
from organiser.assemblies.tribunals.services.panel import judgment_of, panel_of
from organiser.db import db

ANONYMOUS = _l("An anonymous witness")


@dataclass(frozen=True)
class ShownTestimony:
    """A testimony as the public (or the panel) may see it: never the witness's name unless they
    chose to be named, never their address."""

    id: int
    who: str
    witness_kind: str
    language: str
    theme: str
    account: str
    for_the_panel_only: bool


@dataclass
class ShownCharge:
    charge: Charge
    verdict: Verdict | None  # only once the judgment is published (or for the panel)
    testimonies: list[ShownTestimony] = field(default_factory=list)


@dataclass
class TribunalPage:
    charges: list[ShownCharge]
    other_testimonies: list[ShownTestimony]  # on a theme, not a charge
    panel: list[PanelMember]
    judgment: Judgment | None  # only once published
    published_at: datetime | None

    @property
    def is_empty(self) -> bool:
        return not (self.charges or self.other_testimonies or self.panel)


def shown(testimony: Testimony) -> ShownTestimony:
    if testimony.publication == Publication.NAMED and testimony.name:
        who = testimony.name
    elif testimony.publication == Publication.PSEUDONYM and testimony.pseudonym:
        who = testimony.pseudonym
    else:
        who = str(ANONYMOUS)
    return ShownTestimony(
        id=testimony.id,
        who=who,
        witness_kind=str(testimony.witness_kind),
        language=testimony.language,
        theme=testimony.theme,
        account=testimony.account,
        for_the_panel_only=testimony.publication == Publication.NOT_PUBLIC,
    )


def approved_testimonies(assembly: Assembly, *, for_the_panel: bool = False) -> list[Testimony]:
    query = select(Testimony).where(
        Testimony.assembly_id == assembly.id, Testimony.status == TestimonyStatus.APPROVED
    )
    if not for_the_panel:
        query = query.where(Testimony.publication != Publication.NOT_PUBLIC)
    return list(db.session.scalars(query.order_by(Testimony.created_at, Testimony.id)))


def tribunal_page(assembly: Assembly, *, for_the_panel: bool = False) -> TribunalPage | None:
    """The tribunal's part of the assembly's page (None for another kind of assembly)."""
    if assembly.kind != AssemblyKind.TRIBUNAL:
        return None
    judgment = judgment_of(assembly)
    published = judgment if judgment is not None and judgment.published_at is not None else None
    charges = [
        ShownCharge(c, c.verdict if (published or for_the_panel) else None) for c in charges_of(assembly)
    ]
    by_charge = {c.charge.id: c for c in charges}
    others = []
    for testimony in approved_testimonies(assembly, for_the_panel=for_the_panel):
        target = by_charge.get(testimony.charge_id) if testimony.charge_id else None
        (target.testimonies if target is not None else others).append(shown(testimony))
    return TribunalPage(
        charges=charges,
        other_testimonies=others,
        panel=panel_of(assembly),
        judgment=published,
        published_at=published.published_at if published else None,
    )
