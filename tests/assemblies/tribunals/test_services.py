"""A tribunal's operations: moderation only from the states that allow it, withdrawal, the order of
the charges, the panel's accounts, verdicts locked by the judgment, and the public page that never
shows a witness who did not choose to be named, nor a verdict before the judgment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from organiser.assemblies.models import AssemblyKind
from organiser.assemblies.tribunals import models as tm
from organiser.assemblies.tribunals import services
from organiser.core.models import AccountToken, Role
from organiser.db import db
from tests.assemblies.tribunals.conftest import make_testimony
from tests.factories import AssemblyFactory, UserFactory

S = tm.TestimonyStatus


def test_moderation_moves_only_from_the_states_that_allow_it(app, tribunal):
    row = make_testimony(tribunal.assembly)
    by = tribunal.coordinator
    services.moderate(row, S.CHANGES_REQUESTED, note=" Say where. ", by=by)
    assert (row.status, row.moderation_note, row.moderated_by_id) == (
        S.CHANGES_REQUESTED,
        "Say where.",
        by.id,
    )
    with pytest.raises(services.TestimonyStateError):
        services.moderate(row, S.APPROVED, by=by)  # the witness must change it first
    services.edit_by_witness(row, {"account": "Changed."})
    assert (row.status, row.account) == (S.SUBMITTED, "Changed.")
    with pytest.raises(services.TestimonyStateError):
        services.edit_by_witness(row, {"account": "Again."})
    services.moderate(row, S.APPROVED, by=by)
    assert row.moderation_note == ""
    services.withdraw(row)
    assert row.status == S.WITHDRAWN and row.withdrawn_at is not None
    for status in (S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED):
        with pytest.raises(services.TestimonyStateError):
            services.moderate(row, status, note="x", by=by)
    with pytest.raises(services.TestimonyStateError):
        services.withdraw(row)


def test_the_moderation_list_puts_those_at_risk_first_and_leaves_out_the_unconfirmed(app, tribunal):
    assembly = tribunal.assembly
    approved = make_testimony(assembly, status=S.APPROVED)
    waiting = make_testimony(assembly)
    at_risk = make_testimony(assembly, safety_risk=True, status=S.APPROVED)
    make_testimony(assembly, status=S.PENDING)
    assert services.for_moderation(assembly) == [at_risk, waiting, approved]


def test_charges_move_within_their_order(app, tribunal):
    first, second, third = tribunal.charges
    by = tribunal.coordinator
    services.move_charge(first, -1, by=by)  # at the top already: nothing
    services.move_charge(third, -1, by=by)
    assert services.charges_of(tribunal.assembly) == [first, third, second]
    services.move_charge(first, 1, by=by)
    assert services.charges_of(tribunal.assembly) == [third, first, second]
    services.remove_charge(second, by=by)
    assert services.charges_of(tribunal.assembly) == [third, first]
    other = AssemblyFactory(kind=AssemblyKind.TRIBUNAL)
    assert services.charge_in(other, first.id) is None


def test_a_panel_member_account_gets_the_role_or_an_invitation_and_loses_it_when_removed(app, tribunal):
    assembly, by = tribunal.assembly, tribunal.coordinator
    judge = UserFactory(email="judge@example.org")
    assert (
        services.add_panel_member(
            assembly, name="J", role="chair", bio="", account_email="JUDGE@example.org", by=by
        )
        == "granted"
    )
    assert judge.has_role(Role.ASSEMBLY_PANEL, assembly.id) and services.can_judge(assembly, judge)
    outcome = services.add_panel_member(
        assembly, name="L", role="member", bio="", account_email="new@uni.example", by=by
    )
    assert outcome == "invited"
    invitation = db.session.scalar(select(AccountToken).where(AccountToken.email == "new@uni.example"))
    assert (invitation.role, invitation.scope_id) == (Role.ASSEMBLY_PANEL, assembly.id)
    assert services.add_panel_member(assembly, name="M", role="member", bio="", account_email="", by=by) == ""
    member = services.panel_of(assembly)[0]
    services.remove_panel_member(member, by=by)
    db.session.refresh(judge)
    assert not judge.has_role(Role.ASSEMBLY_PANEL, assembly.id) and not services.can_judge(assembly, judge)
    assert [m.name for m in services.panel_of(assembly)] == ["L", "M"]


def test_verdicts_are_private_until_the_judgment_which_locks_them(app, tribunal):
    assembly, by = tribunal.assembly, tribunal.coordinator
    charges = tribunal.charges
    make_testimony(assembly, charge_id=charges[0].id, status=S.APPROVED, account="Seen by all.")
    make_testimony(
        assembly, charge_id=charges[0].id, status=S.APPROVED, publication="not_public", account="Panel."
    )
    services.enter_verdict(charges[0], finding="upheld", reasoning="Because.", by=by)
    with pytest.raises(services.JudgmentStateError):
        services.publish_judgment(assembly, charges, summary="", by=by)  # two charges without a verdict
    page = services.tribunal_page(assembly)
    assert [c.verdict for c in page.charges] == [None, None, None] and page.judgment is None
    assert [t.account for t in page.charges[0].testimonies] == ["Seen by all."]
    for_panel = services.tribunal_page(assembly, for_the_panel=True)
    assert for_panel.charges[0].verdict is not None
    assert [t.for_the_panel_only for t in for_panel.charges[0].testimonies] == [False, True]

    for charge in charges[1:]:
        services.enter_verdict(charge, finding="not_upheld", reasoning="No.", by=by)
    services.enter_verdict(charges[0], finding="partly_upheld", reasoning="In part.", by=by)
    judgment = services.publish_judgment(assembly, charges, summary=" Summary. ", by=by)
    assert judgment.summary == "Summary." and judgment.published_at is not None
    page = services.tribunal_page(assembly)
    assert [str(c.verdict.finding) for c in page.charges] == ["partly_upheld", "not_upheld", "not_upheld"]
    with pytest.raises(services.JudgmentStateError):
        services.enter_verdict(charges[0], finding="upheld", reasoning="Changed.", by=by)
    with pytest.raises(services.JudgmentStateError):
        services.publish_judgment(assembly, charges, summary="Again.", by=by)


@pytest.mark.parametrize(
    ("publication", "pseudonym", "who"),
    [
        ("named", "", "Hidden Person"),
        ("pseudonym", "Mama Water", "Mama Water"),
        ("pseudonym", "", "An anonymous witness"),  # never the name, even without a pseudonym
        ("anonymous", "Mama Water", "An anonymous witness"),
        ("not_public", "", "An anonymous witness"),
    ],
)
def test_a_witness_is_shown_only_as_they_chose(app, tribunal, publication, pseudonym, who):
    row = make_testimony(tribunal.assembly, publication=publication, pseudonym=pseudonym)
    shown = services.shown(row)
    assert shown.who == who
    assert "hidden@example.org" not in repr(shown) and (publication == "named" or "Hidden" not in repr(shown))


def test_another_kind_of_assembly_has_no_tribunal_part(app, tribunal):
    assert services.tribunal_page(AssemblyFactory(kind=AssemblyKind.PEOPLES_ASSEMBLY)) is None
