"""An assembly's demands, as its organisers and voters meet them: proposed through the forms, voted on
through each voter's e-mailed link and at the kiosk, decided by the rule when the vote closes, the
adopted one launched as a draft petition that links back, its outcome recorded, and the whole chain
on the assembly's public page. The single vote holds under real concurrency on PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from organiser.actions.petitions.models import Petition, PetitionDelivery
from organiser.actions.targets.models import Response
from organiser.assemblies.demands import services
from organiser.assemblies.demands.models import Demand, Vote, Voting
from organiser.assemblies.models import Assembly, AssemblyStatus, Registration, RegistrationStatus
from organiser.assemblies.tribunals.models import Charge, Finding, Judgment, Verdict
from organiser.coalitions.models import Coalition
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.people.models import Person
from tests.factories import (
    PASSWORD,
    AssemblyFactory,
    CoalitionFactory,
    PersonFactory,
    RegistrationFactory,
    TargetFactory,
    user_with_role,
)
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

SLUG = "lusaka-tribunal"
PAGE = f"/assemblies/{SLUG}"
DEMANDS = f"{PAGE}/demands"
VOTERS = {
    "mwila@example.org": ("Mwila Banda", RegistrationStatus.CONFIRMED, "MWILA1"),
    "chanda@example.org": ("Chanda Phiri", RegistrationStatus.CONFIRMED, "CHANDA"),
    "bwalya@example.org": ("Bwalya Mulenga", RegistrationStatus.ATTENDED, "BWALYA"),
    "gone@example.org": ("Mutale Zulu", RegistrationStatus.CANCELLED, "MUTALE"),
    "waiting@example.org": ("Natasha Tembo", RegistrationStatus.WAITLISTED, None),
}


@pytest.fixture
def tribunal(app):
    """A published tribunal of FIA Zambia with a charge whose verdict is published, a minister on the
    coalition's list, five registrations; its coordinator, signed in."""
    with app.app_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zm", country="ZM")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@example.org")
        user_with_role(Role.COALITION_COORDINATOR, CoalitionFactory().id, email="other@example.org")
        assembly = AssemblyFactory(coalition_id=zambia.id, title="Tribunal on debt and health", slug=SLUG)
        charge = Charge(
            assembly_id=assembly.id, title="Debt service before clinics", accused="The Ministry of Finance"
        )
        db.session.add(charge)
        db.session.flush()
        db.session.add(
            Verdict(charge_id=charge.id, finding=Finding.UPHELD, reasoning="Clinics went without.")
        )
        db.session.add(Judgment(assembly_id=assembly.id, published_at=utcnow()))
        TargetFactory(coalition_id=zambia.id, name="Hon. Situmbeko", role="Minister of Finance")
        for email, (name, status, code) in VOTERS.items():
            person = PersonFactory(tree_id=zambia.id, email=email, name=name)
            RegistrationFactory(
                assembly_id=assembly.id,
                person_id=person.id,
                name=name,
                email=email,
                status=status,
                check_in_code=code,
                confirmed_at=utcnow(),
            )
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    return client


def _ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Demand.id).order_by(Demand.position)))


def _choice_field(demand_id: int) -> str:
    return f"demand-{demand_id}"


def _propose(app, client) -> list[int]:
    """Three demands through the form: to the minister on the list, to a name typed, from a theme."""
    page = client.get(DEMANDS).get_data(as_text=True)
    [minister] = re.findall(r'<option value="(\d+)">Hon\. Situmbeko', page)
    [charge] = re.findall(r'<option value="(charge-\d+)">Debt service', page)
    missing = submit(client, DEMANDS, {"text": "Cancel the debt"})
    assert "type who it is addressed to" in text_of(missing), "no decision-maker: said next to the field"
    assert _ids(app) == []
    for data in (
        {"text": "Fund rural clinics before paying creditors.", "target": minister, "source": charge},
        {"text": "Audit the Eurobond debt in public.", "addressed_to": "The IMF"},
        {"text": "Guarantee jobs for young people.", "addressed_to": "Parliament", "theme": "Youth"},
    ):
        assert submit(client, DEMANDS, data).status_code == 302
    return _ids(app)


def _ballot(link: str, client, choices: dict[int, str]):
    return client.post(path_of(link), data={_choice_field(d): c for d, c in choices.items()})


def test_demands_are_voted_on_by_link_and_kiosk_adopted_by_the_rule_and_launched(app, tribunal, mail):
    visitor = app.test_client()
    fund, audit, jobs = _propose(app, tribunal)
    listing = text_of(tribunal.get(DEMANDS))
    assert "Addressed to Hon. Situmbeko, Minister of Finance" in listing and "Charge: Debt service" in listing
    assert "Addressed to The IMF" in listing and "Theme: Youth" in listing

    # reorder, change, remove: until the vote opens
    token = csrf_token(tribunal.get(DEMANDS).get_data(as_text=True))
    tribunal.post(f"{DEMANDS}/{jobs}/up", data={"csrf_token": token})
    assert _ids(app) == [fund, jobs, audit]
    changed = submit(
        tribunal,
        f"{DEMANDS}/{audit}/edit",
        {"text": "Audit every loan in public.", "addressed_to": "The IMF"},
    )
    assert changed.status_code == 302
    submit(tribunal, DEMANDS, {"text": "Spare demand", "addressed_to": "Nobody"})
    spare = _ids(app)[-1]
    tribunal.post(f"{DEMANDS}/{spare}/remove", data={"csrf_token": token})
    assert _ids(app) == [fund, jobs, audit]
    assert "Audit every loan in public." in text_of(visitor.get(PAGE)), "proposed demands are public"

    opened = submit(tribunal, f"{DEMANDS}/vote/open", {"rule": "simple_majority"}, page=DEMANDS)
    assert opened.status_code == 302
    assert "3 people were e-mailed their link" in text_of(tribunal.get(DEMANDS))
    links = {}
    for email in ("mwila@example.org", "chanda@example.org", "bwalya@example.org"):
        [message] = mail.wait_for_to(email)
        assert "Vote on the demands" in message["Subject"]
        [links[email]] = [u for u in links_in(message) if "/vote/" in u]
    assert not mail._to("gone@example.org") and not mail._to("waiting@example.org"), "no place, no vote"
    assert tribunal.post(f"{DEMANDS}/{fund}/remove", data={"csrf_token": token}).status_code == 302
    assert _ids(app) == [fund, jobs, audit], "demands no longer change once the vote is open"

    # Mwila: the link's GET changes nothing; her vote counts once, a second one changes nothing
    ballot = visitor.get(path_of(links["mwila@example.org"]))
    assert "Mwila Banda, choose for, against or abstain" in text_of(ballot)
    assert ballot.headers["Cache-Control"] == "private, no-store" and "Set-Cookie" not in ballot.headers
    first = _ballot(links["mwila@example.org"], visitor, {fund: "for", jobs: "against", audit: "for"})
    assert "your vote is recorded" in text_of(first)
    again = _ballot(links["mwila@example.org"], visitor, {fund: "against", jobs: "for", audit: "against"})
    assert "recorded already: it stays as it was" in text_of(again)
    assert "You have voted on every demand" in text_of(again)
    # Chanda: a choice that is not one is refused next to it, and nothing is kept
    bad = _ballot(links["chanda@example.org"], visitor, {fund: "maybe", jobs: "for"})
    assert "Choose for, against or abstain" in text_of(bad)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 3
    partly = _ballot(links["chanda@example.org"], visitor, {fund: "for"})
    assert "Your vote: For" in text_of(partly), "a demand left out can be voted on later"
    _ballot(links["chanda@example.org"], visitor, {fund: "against", jobs: "for", audit: "against"})

    # Bwalya, at the kiosk with her check-in code; then the kiosk is ready for the next person. The
    # organiser opens it on the device people vote on, which is signed out: no way into their pages.
    device = app.test_client()
    sign_in(device, "coord@example.org", PASSWORD)
    opening = {"csrf_token": csrf_token(device.get(DEMANDS).text)}
    kiosk = device.post(f"{DEMANDS}/kiosk/open", data=opening, follow_redirects=True)
    assert "Your check-in code" in text_of(kiosk) and "Sign out" not in text_of(kiosk)
    assert "/sign-in" in device.get(DEMANDS).location and device.get("/account").status_code == 302
    assert "No confirmed place" in text_of(submit(device, f"{DEMANDS}/kiosk", {"code": "MUTALE"}))
    at_kiosk = submit(device, f"{DEMANDS}/kiosk", {"code": "bwa lya"})
    assert "Voting as Bwalya Mulenga" in text_of(at_kiosk)
    [action] = re.findall(r'action="([^"]*/kiosk/[^"]+)"', at_kiosk.get_data(as_text=True))
    assert app.test_client().get(f"{DEMANDS}/kiosk").status_code == 302, "another device is not the kiosk"
    cast = device.post(
        action,
        data={
            "csrf_token": csrf_token(at_kiosk.get_data(as_text=True)),
            _choice_field(fund): "abstain",
            _choice_field(jobs): "against",
            _choice_field(audit): "against",
        },
        follow_redirects=True,
    )
    assert "your vote is recorded. Next person" in text_of(cast) and "Your check-in code" in text_of(cast)

    closed = tribunal.post(f"{DEMANDS}/vote/close", data={"csrf_token": token}, follow_redirects=True)
    assert "The vote is closed" in text_of(closed)
    public = text_of(visitor.get(PAGE))
    assert "Adopted · 2 for, 0 against, 1 abstaining" in public
    assert "Not adopted · 1 for, 2 against, 0 abstaining" in public  # jobs
    assert "Not adopted · 1 for, 2 against, 0 abstaining" in public.split("Audit every loan")[1]
    assert "verdict: Upheld" in public
    assert "The vote is closed" in text_of(visitor.get(path_of(links["chanda@example.org"])))
    with app.app_context():
        kiosk_votes = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.at_kiosk))
        assert kiosk_votes == 3

    # launch the adopted demand as a petition: a draft, pre-filled, linked both ways
    refused = tribunal.post(f"{DEMANDS}/{jobs}/launch", data={"csrf_token": token, "kind": "petition"})
    assert refused.status_code == 302 and "Only an adopted demand" in text_of(tribunal.get(DEMANDS))
    launched = tribunal.post(f"{DEMANDS}/{fund}/launch", data={"csrf_token": token, "kind": "petition"})
    assert launched.location.startswith("/petitions/fund-rural-clinics-before-paying-creditors")
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        assert petition.status == "draft" and petition.ask == "Fund rural clinics before paying creditors."
        assert petition.target == "Hon. Situmbeko, Minister of Finance"
        assert [t.name for t in petition.targets] == ["Hon. Situmbeko"]
        assert "2 for, 0 against, 1 abstaining" in petition.background
        assert (
            "Debt service before clinics" in petition.background
            and "Clinics went without." in petition.background
        )
        assert petition.background.endswith(PAGE), "the link back to the assembly"
        petition_page = f"/petitions/{petition.slug}"
    listing = tribunal.get(DEMANDS).get_data(as_text=True)
    assert f'href="{petition_page}/edit"' in listing, "the demand links to its action"
    again = tribunal.post(f"{DEMANDS}/{fund}/launch", data={"csrf_token": token, "kind": "petition"})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Petition)) == 1, "one action a demand"
    assert "A petition:" not in text_of(visitor.get(PAGE)), "a draft is not shown to the public"
    tribunal.post(f"{petition_page}/open", data={"csrf_token": token})
    shown = visitor.get(petition_page)
    assert "This action carries a demand adopted by Tribunal on debt and health" in text_of(shown)
    assert f'href="{PAGE}"' in shown.get_data(as_text=True)

    # signed, delivered, answered: the assembly's page shows the chain
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        petition.signature_count, petition.status = 1234, "delivered"
        db.session.add(PetitionDelivery(petition_id=petition.id, signature_count=1234))
        db.session.add(
            Response(
                petition_id=petition.id,
                target_id=petition.targets[0].id,
                text="Clinics come first in next year's budget.",
                responded_on=date(2025, 3, 1),
            )
        )
        db.session.commit()
    outcome = f"{DEMANDS}/{fund}/outcome"
    assert (
        submit(
            tribunal, outcome, {"outcome": "won", "on": "2025-03-02", "note": "In the budget."}
        ).status_code
        == 302
    )
    chain = text_of(visitor.get(PAGE))
    assert "A petition: Fund rural clinics before paying creditors · Delivered · 1,234 signatures" in chain
    assert "Response from Hon. Situmbeko, Minister of Finance · Mar 1, 2025" in chain
    assert "Clinics come first in next year's budget." in chain
    assert "Won · Mar 2, 2025 In the budget." in chain


def test_consensus_is_recorded_by_the_chair_and_letters_need_a_listed_decision_maker(app, tribunal, mail):
    fund, jobs, audit = _propose(app, tribunal)
    token = csrf_token(tribunal.get(DEMANDS).get_data(as_text=True))
    submit(tribunal, f"{DEMANDS}/vote/open", {"rule": "consensus"}, page=DEMANDS)
    assert "The chair's record for demand 1" in text_of(tribunal.get(DEMANDS))
    tribunal.post(f"{DEMANDS}/{fund}/consensus", data={"csrf_token": token, "adopted": "yes"})
    tribunal.post(f"{DEMANDS}/{jobs}/consensus", data={"csrf_token": token, "adopted": "no"})
    tribunal.post(f"{DEMANDS}/vote/close", data={"csrf_token": token})
    with app.app_context():
        statuses = dict(db.session.execute(select(Demand.id, Demand.status)).all())
    assert statuses == {fund: "adopted", jobs: "not_adopted", audit: "proposed"}, "no record: undecided"
    tribunal.post(f"{DEMANDS}/{audit}/consensus", data={"csrf_token": token, "adopted": "yes"})
    with app.app_context():
        assert db.session.get(Demand, audit).status == "adopted", "a record after the close decides it"

    # letters go to an address: the IMF, typed, is not on the list
    tribunal.post(f"{DEMANDS}/{audit}/launch", data={"csrf_token": token, "kind": "letters"})
    assert "A letter campaign needs a decision-maker from your list" in text_of(tribunal.get(DEMANDS))
    launched = tribunal.post(f"{DEMANDS}/{fund}/launch", data={"csrf_token": token, "kind": "letters"})
    assert launched.location.startswith("/letters/fund-rural-clinics")
    page = tribunal.get(launched.location)
    assert "adopted by consensus by Tribunal on debt and health" in text_of(page)
    assert "This action carries a demand adopted by Tribunal on debt and health" in text_of(page)


def test_only_its_organisers_manage_demands_and_a_voter_link_fits_one_assembly(app, tribunal, mail):
    [fund, *_] = _propose(app, tribunal)
    submit(tribunal, f"{DEMANDS}/vote/open", {"rule": "two_thirds"}, page=DEMANDS)
    link = path_of([u for u in links_in(mail.wait_for_to("mwila@example.org")[0]) if "/vote/" in u][0])
    other = app.test_client()
    sign_in(other, "other@example.org", PASSWORD)
    assert other.get(DEMANDS).status_code == 403
    assert app.test_client().get(DEMANDS).status_code == 302, "anonymous: to sign in"
    with app.app_context():
        elsewhere = AssemblyFactory(
            coalition_id=db.session.scalar(select(Coalition.id).where(Coalition.slug == "fia-zm")),
            slug="elsewhere",
        )
        db.session.commit()
        assert elsewhere.status == AssemblyStatus.PUBLISHED
    assert app.test_client().get(link.replace(SLUG, "elsewhere")).status_code == 404
    assert app.test_client().get(link + "x").status_code == 404
    assert tribunal.get(f"/assemblies/elsewhere/demands/{fund}/edit").status_code == 404


def test_the_adoption_rules(app):
    tally = services.Tally
    assert services.adopted_by("simple_majority", tally(3, 2, 9), None) is True
    assert services.adopted_by("simple_majority", tally(2, 2, 0), None) is False
    assert services.adopted_by("two_thirds", tally(2, 1, 5), None) is True
    assert services.adopted_by("two_thirds", tally(3, 2, 0), None) is False
    assert services.adopted_by("two_thirds", tally(0, 0, 4), None) is False
    assert services.adopted_by("consensus", tally(0, 9, 0), True) is True
    assert services.adopted_by("consensus", tally(9, 0, 0), None) is None


# ---- one vote each, under real concurrency (PostgreSQL, committed) ----------------------------------


@pytest.mark.worker
def test_two_people_voting_twice_each_at_once_count_once_each(live):
    with live.app_context():
        coalition = Coalition(name="FIA Zambia", slug="fia-zm", country="ZM")
        db.session.add(coalition)
        db.session.flush()
        assembly = Assembly(
            coalition_id=coalition.id,
            title="Lusaka assembly",
            slug=SLUG,
            starts_at=utcnow() + timedelta(days=3),
            ends_at=utcnow() + timedelta(days=3, hours=6),
            timezone="Africa/Lusaka",
            capacity=50,
            status=AssemblyStatus.PUBLISHED,
        )
        db.session.add(assembly)
        db.session.flush()
        demands = [Demand(assembly_id=assembly.id, position=n, text=f"Demand {n}") for n in (1, 2)]
        db.session.add_all(demands)
        links = []
        for n in range(2):
            person = Person(tree_id=coalition.id, email=f"voter{n}@example.org", name=f"Voter {n}")
            db.session.add(person)
            db.session.flush()
            registration = Registration(
                assembly_id=assembly.id,
                person_id=person.id,
                name=person.name,
                email=person.email,
                status=RegistrationStatus.CONFIRMED,
            )
            db.session.add(registration)
            db.session.flush()
            links.append(f"{PAGE}/vote/{services.vote_token(registration)}")
        db.session.add(Voting(assembly_id=assembly.id, opened_at=utcnow()))
        db.session.commit()
        ids = [d.id for d in demands]

    tries = [(link, choice) for link in links for choice in ("for", "against")] * 3  # twice each, and more
    barrier = threading.Barrier(len(tries))
    answers: list[int] = []

    def vote(link: str, choice: str) -> None:
        client = live.test_client()
        barrier.wait()
        answers.append(client.post(link, data={f"demand-{i}": choice for i in ids}).status_code)

    threads = [threading.Thread(target=vote, args=each) for each in tries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert answers == [200] * len(tries)
    with live.app_context():
        rows = db.session.execute(select(Vote.registration_id, Vote.demand_id, Vote.choice)).all()
        assert len(rows) == 4, "one vote per registration and demand"
        per_voter = {}
        for registration_id, _demand_id, choice in rows:
            per_voter.setdefault(registration_id, set()).add(choice)
        assert all(len(choices) == 1 for choices in per_voter.values()), "each ballot is one person's first"
