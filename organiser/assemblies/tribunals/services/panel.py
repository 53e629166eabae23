"""The panel (the jury): its members, shown publicly; the accounts that enter its verdicts (the
assembly panel role, given at once to an existing account or through an invitation); the verdict on
each charge, and the judgment that publishes them all together."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals.models import Charge, Finding, Judgment, PanelMember, Verdict
from organiser.core import services as accounts
from organiser.core.models import Role, RoleGrant, User
from organiser.db import db, utcnow

log = logging.getLogger(__name__)


class JudgmentStateError(Exception):
    """The judgment is published already, or a charge has no verdict yet."""


def can_judge(assembly: Assembly, user: Any) -> bool:
    """The assembly's organisers, and the accounts holding the panel role for it."""
    if not user.is_authenticated:
        return False
    return assembly.can_manage(user) or user.has_role(Role.ASSEMBLY_PANEL, assembly.id)


def panel_of(assembly: Assembly) -> list[PanelMember]:
    return list(
        db.session.scalars(
            select(PanelMember)
            .where(PanelMember.assembly_id == assembly.id)
            .order_by(PanelMember.position, PanelMember.id)
        )
    )


def panel_member_in(assembly: Assembly, member_id: int) -> PanelMember | None:
    member = db.session.get(PanelMember, member_id)
    return member if member is not None and member.assembly_id == assembly.id else None


def add_panel_member(
    assembly: Assembly, *, name: str, role: str, bio: str, account_email: str, by: Any
) -> str:
    """Add a member; with an address, its account gets the panel role (or is invited to make one).
    Returns "granted", "invited" or "" (no account)."""
    last = db.session.scalar(
        select(func.max(PanelMember.position)).where(PanelMember.assembly_id == assembly.id)
    )
    member = PanelMember(assembly_id=assembly.id, position=(last or 0) + 1, name=name, role=role, bio=bio)
    db.session.add(member)
    outcome = ""
    if account_email:
        user = User.by_email(account_email)
        if user is not None:
            accounts.grant_role(user, Role.ASSEMBLY_PANEL, assembly.id, by=by)
            member.user_id, outcome = user.id, "granted"
        else:
            accounts.invite(account_email, Role.ASSEMBLY_PANEL, assembly.id, by=by, scope_name=assembly.title)
            outcome = "invited"
    db.session.flush()
    log.info("panel member %s added to assembly %s by %s", member.id, assembly.id, by.id)
    return outcome


def remove_panel_member(member: PanelMember, *, by: Any) -> None:
    """Take a member off the panel; their account loses the panel role for this assembly."""
    if member.user_id is not None:
        grant = db.session.scalar(
            select(RoleGrant).where(
                RoleGrant.user_id == member.user_id,
                RoleGrant.role == Role.ASSEMBLY_PANEL,
                RoleGrant.scope_id == member.assembly_id,
            )
        )
        if grant is not None:
            accounts.revoke_role(grant, by=by)
    log.info("panel member %s removed from assembly %s by %s", member.id, member.assembly_id, by.id)
    db.session.delete(member)
    db.session.flush()


def judgment_of(assembly: Assembly) -> Judgment | None:
    return db.session.scalar(select(Judgment).where(Judgment.assembly_id == assembly.id))


def is_published(assembly: Assembly) -> bool:
    judgment = judgment_of(assembly)
    return judgment is not None and judgment.published_at is not None


def enter_verdict(charge: Charge, *, finding: str, reasoning: str, by: Any) -> Verdict:
    """The panel's finding on a charge (entered again, it replaces the last), until the judgment."""
    if is_published(charge.assembly):
        raise JudgmentStateError("published")
    verdict = charge.verdict
    if verdict is None:
        verdict = Verdict(charge=charge, finding=Finding(finding))
        db.session.add(verdict)
    verdict.finding, verdict.reasoning = Finding(finding), reasoning.strip()
    verdict.entered_by_id, verdict.entered_at = by.id, utcnow()
    db.session.flush()
    log.info("verdict on charge %s entered by %s", charge.id, by.id)
    return verdict


def publish_judgment(assembly: Assembly, charges: list[Charge], *, summary: str, by: Any) -> Judgment:
    """Publish every verdict together, with today's date; each charge must have one."""
    if is_published(assembly) or not charges or any(c.verdict is None for c in charges):
        raise JudgmentStateError("not ready")
    judgment = judgment_of(assembly) or Judgment(assembly_id=assembly.id)
    judgment.summary, judgment.published_at, judgment.published_by_id = summary.strip(), utcnow(), by.id
    db.session.add(judgment)
    db.session.flush()
    log.info("judgment of assembly %s published by %s", assembly.id, by.id)
    return judgment
