"""The demands' operations on their own: what a demand keeps, who may vote and what a vote records,
the launch through ``organiser.actions.interface`` and where an action says it comes from."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from organiser.actions import interface
from organiser.actions.petitions.models import Petition
from organiser.assemblies.demands import services
from organiser.assemblies.demands.models import Demand, DemandStatus, Vote, Voting
from organiser.assemblies.demands.personal_data import VOTES
from organiser.assemblies.models import AssemblyStatus, RegistrationStatus
from organiser.assemblies.tribunals.models import Charge
from organiser.db import db, utcnow
from tests.factories import (
    AssemblyFactory,
    CoalitionFactory,
    PersonFactory,
    PetitionFactory,
    RegistrationFactory,
    TargetFactory,
    UserFactory,
)


@pytest.fixture
def assembly(app):
    with app.test_request_context():
        coalition = CoalitionFactory(slug="fia-zm")
        assembly = AssemblyFactory(coalition_id=coalition.id, slug="lusaka", title="Lusaka assembly")
        yield assembly


def _registration(assembly, status=RegistrationStatus.CONFIRMED, **kwargs):
    person = PersonFactory(tree_id=assembly.coalition_id)
    return RegistrationFactory(assembly_id=assembly.id, person_id=person.id, status=status, **kwargs)


def test_a_demand_keeps_only_its_own_coalitions_decision_makers_and_its_assemblys_charges(assembly):
    organiser = UserFactory()
    own = TargetFactory(coalition_id=assembly.coalition_id, name="Hon. Situmbeko", role="Minister")
    elsewhere = TargetFactory(name="Another coalition's minister")
    other_charge = Charge(assembly_id=AssemblyFactory().id, title="Elsewhere", accused="Someone")
    db.session.add(other_charge)
    db.session.flush()
    listed = services.add_demand(assembly, by=organiser, text=" Fund clinics ", target_id=own.id)
    assert (listed.text, listed.target_id) == ("Fund clinics", own.id)
    assert listed.addressed_to == "Hon. Situmbeko, Minister", "the decision-maker as the list names them"
    crafted = services.add_demand(
        assembly,
        by=organiser,
        text="Audit",
        target_id=elsewhere.id,
        addressed_to="The IMF",
        charge_id=other_charge.id,
    )
    assert (crafted.target_id, crafted.addressed_to, crafted.charge_id) == (None, "The IMF", None)
    assert [d.position for d in services.demands_of(assembly)] == [1, 2]
    services.move_demand(listed, -1, by=organiser)  # at the top already: nothing
    assert services.demands_of(assembly) == [listed, crafted]
    assert [m.label for m in interface.decision_makers(assembly.coalition_id)] == ["Hon. Situmbeko, Minister"]


def test_who_votes_and_what_a_vote_records(assembly):
    organiser = UserFactory()
    first = services.add_demand(assembly, by=organiser, text="First", addressed_to="Parliament")
    second = services.add_demand(assembly, by=organiser, text="Second", addressed_to="Parliament")
    other = services.add_demand(AssemblyFactory(), by=organiser, text="Elsewhere", addressed_to="Parliament")
    confirmed = _registration(assembly)
    attended = _registration(assembly, RegistrationStatus.ATTENDED)
    waitlisted = _registration(assembly, RegistrationStatus.WAITLISTED)
    _registration(assembly, RegistrationStatus.PENDING)
    with pytest.raises(services.VotingStateError):
        services.cast(confirmed, {first.id: "for"})  # not open yet
    assert services.open_voting(assembly, "two_thirds", by=organiser) == 2
    assert set(services.voters(assembly)) == {confirmed, attended}
    with pytest.raises(services.DemandStateError):
        services.add_demand(assembly, by=organiser, text="Late", addressed_to="Parliament")
    with pytest.raises(services.VotingStateError):
        services.cast(waitlisted, {first.id: "for"})
    assert services.cast(confirmed, {first.id: "for", other.id: "for", second.id: "maybe"}) == 1
    assert services.cast(confirmed, {first.id: "against", second.id: "abstain"}) == 1
    assert services.votes_of(confirmed) == {first.id: "for", second.id: "abstain"}
    services.cast(attended, {first.id: "against"}, at_kiosk=True)
    services.close_voting(assembly, by=organiser)
    tallies = services.results(assembly)
    assert (tallies[first.id].for_, tallies[first.id].against, tallies[second.id].abstain) == (1, 1, 1)
    assert [d.status for d in services.demands_of(assembly)] == [DemandStatus.NOT_ADOPTED] * 2
    with pytest.raises(services.VotingStateError):
        services.cast(attended, {second.id: "for"})
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.at_kiosk)) == 1
    [(kiosk_vote)] = VOTES.collect(attended.person)
    assert (kiosk_vote["demand"], kiosk_vote["vote"], kiosk_vote["at_kiosk"]) == ("First", "against", True)
    attended.person_id = None  # erased: the registration is anonymised, the vote stays with it
    db.session.flush()
    assert services.results(assembly)[first.id].against == 1


def test_an_erased_registrants_link_dies_with_the_data(assembly):
    registration = _registration(assembly)
    token = services.vote_token(registration)
    assert services.registration_for_vote(token) == registration
    assert services.registration_for_kiosk(token) is None, "each token is for its own purpose"
    registration.person_id = None
    db.session.flush()
    assert services.registration_for_vote(token) is None


def test_an_adopted_demand_launches_one_draft_petition_and_says_where_it_comes_from(assembly):
    organiser = UserFactory()
    PetitionFactory(coalition_id=assembly.coalition_id, slug="fund-rural-clinics")
    demand = services.add_demand(
        assembly, by=organiser, text="Fund rural clinics. Before paying creditors.", addressed_to="Parliament"
    )
    with pytest.raises(services.LaunchStateError):
        services.launch(demand, "petition", by=organiser)  # not adopted
    demand.status = DemandStatus.ADOPTED
    db.session.add(Voting(assembly_id=assembly.id, opened_at=utcnow(), closed_at=utcnow()))
    launched = services.launch(demand, "petition", by=organiser)
    petition = db.session.get(Petition, launched.id)
    assert (petition.title, petition.status) == ("Fund rural clinics", "draft")
    assert petition.slug == "fund-rural-clinics-2", "the address is taken: the next free one"
    assert (demand.petition_id, demand.outcome) == (petition.id, "launched")
    with pytest.raises(services.LaunchStateError):
        services.launch(demand, "petition", by=organiser)
    origin = interface.origin_of("petition", petition.id)
    assert origin == interface.Origin("Lusaka assembly", "/assemblies/lusaka")
    assert interface.origin_of("letters", petition.id) is None
    assembly.status = AssemblyStatus.DRAFT
    assert interface.origin_of("petition", petition.id) is None, "a draft assembly is no one's to see"
    state = interface.action_state("petition", petition.id)
    assert (state.count, state.delivered_on, state.replies, state.is_public) == (0, None, (), False)
    assert interface.action_state("petition", None) is None
    assert interface.action_state("letters", 10**6) is None


def test_a_letter_campaign_needs_a_decision_maker_on_the_list(assembly):
    organiser = UserFactory()
    demand = services.add_demand(assembly, by=organiser, text="Audit the debt", addressed_to="The IMF")
    demand.status = DemandStatus.ADOPTED
    with pytest.raises(services.LaunchStateError):
        services.launch(demand, "letters", by=organiser)
    assert db.session.get(Demand, demand.id).launched_at is None
