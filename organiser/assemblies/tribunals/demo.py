"""Demo data for a people's tribunal: FIA Zambia's People's Tribunal on Debt and Public Services, held
in Lusaka twelve days ago, after the chapter's assemblies that evaluated the policies of the Zambian
government and the IMF. Its charges are allegations put to the panel; its witnesses, panel and
attendees are invented (every address at example.org). Three testimonies are approved (one named,
one anonymous, one under a pseudonym), the panel's verdict on every charge is published, and the
closing report counts those who came. Seeded by ``organiser.assemblies.demo``.

The services do the work where they send no mail (charges, panel, verdicts, judgment, report);
testimonies are written as the moderation would leave them, since moderating e-mails the witness."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from organiser.assemblies.models import (
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    Registration,
    RegistrationStatus,
)
from organiser.assemblies.services.report import save_report
from organiser.assemblies.tribunals.models import (
    AccusedKind,
    Charge,
    Finding,
    PanelRole,
    Publication,
    Testimony,
    TestimonySource,
    TestimonyStatus,
    WitnessKind,
)
from organiser.assemblies.tribunals.services import (
    add_charge,
    add_panel_member,
    enter_verdict,
    publish_judgment,
)
from organiser.coalitions.models import Coalition
from organiser.db import as_utc, db, utcnow
from organiser.people.models import Person
from organiser.people.services import person_id_for

SLUG = "peoples-tribunal-debt-public-services"

_CHARGES = (  # what is alleged, against whom, what is at stake, the account of it
    (
        "Cutting health and education spending to keep up payments on external debt",
        "Government of Zambia",
        AccusedKind.GOVERNMENT,
        "The right to health; the right to education; what the national budget puts first.",
        "It is alleged that as payments on external debt grew, the shares of the budget for health and "
        "education were cut, leaving clinics without medicines and schools without teachers.",
    ),
    (
        "Loan conditions that froze hiring in the public sector",
        "International Monetary Fund",
        AccusedKind.LENDER,
        "The right to work; the right to health and education, through nurses and teachers not hired.",
        "It is alleged that conditions attached to lending capped the public wage bill, so that nurses "
        "and teachers trained in Zambia were left without posts while young people stayed out of work.",
    ),
    (
        "Delaying and cutting input subsidies for smallholder farmers",
        "Government of Zambia",
        AccusedKind.GOVERNMENT,
        "The right to food; the livelihoods of smallholder farmers.",
        "It is alleged that fertiliser and seed under the farm input subsidy arrived late or not at "
        "all, after cuts made to meet the budget's targets.",
    ),
)

_FINDINGS = (  # per charge, in order: the finding and the panel's reasoning
    (
        Finding.UPHELD,
        "The testimonies of health workers and the budget figures put to the panel agree: while debt "
        "payments rose, spending on clinics and schools fell, and people paid for it with their health.",
    ),
    (
        Finding.PARTLY_UPHELD,
        "The hiring freeze is shown, and the loan conditions pressed for it; but the government chose "
        "where the cuts fell, and shares the responsibility the charge lays on the lender alone.",
    ),
    (
        Finding.UPHELD,
        "Farmers from three provinces described inputs arriving after the planting rains; the panel "
        "finds that cuts to the subsidy were made knowing the harm they would do.",
    ),
)


def seed_tribunal(zambia: Coalition, *, by: Any) -> Assembly:
    """The tribunal, held twelve days ago (09:00–17:00 Lusaka time), with everything it decided."""
    start = (utcnow() - timedelta(days=12)).replace(hour=7, minute=0, second=0, microsecond=0)  # 09:00 CAT
    tribunal = _tribunal(zambia, start, by=by)
    charges = [add_charge(tribunal, by=by, **_charge_fields(*each)) for each in _CHARGES]
    _add_testimonies(tribunal, charges, start, by=by)
    _add_panel(tribunal, by=by)
    _judge(tribunal, charges, by=by)
    _add_attendees(tribunal, start)
    _report(tribunal, zambia, by=by)
    return tribunal


def _tribunal(zambia: Coalition, start: datetime, *, by: Any) -> Assembly:
    tribunal = Assembly(
        coalition_id=zambia.id,
        kind=AssemblyKind.TRIBUNAL,
        title="People's Tribunal on Debt and Public Services",
        slug=SLUG,
        description="Health workers, teachers, farmers and young people without work testified before a "
        "panel on what paying external debt has cost Zambia's clinics, schools and farms, and the "
        "assembly voted on the demands that follow from the verdict. (A demo: the witnesses, the panel "
        "and the people who came are invented.)",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        timezone="Africa/Lusaka",
        venue="Community hall, Lusaka (demo venue)",
        capacity=200,
        languages=["English", "Bemba", "Nyanja"],
        accessibility="Step-free entrance and toilets. Bemba and Nyanja interpretation.",
        status=AssemblyStatus.PUBLISHED,
        created_by_id=by.id,
        published_at=start - timedelta(days=30),
    )
    tribunal.hosts = [m.organisation for m in zambia.active_members()]
    db.session.add(tribunal)
    db.session.flush()
    return tribunal


def _charge_fields(
    title: str, accused: str, kind: AccusedKind, at_stake: str, description: str
) -> dict[str, Any]:
    return {
        "title": title,
        "accused": accused,
        "accused_kind": kind,
        "at_stake": at_stake,
        "description": description,
    }


# Invented witnesses (their addresses at example.org): named, anonymous, under a pseudonym. The anonymous
# witness's name is known to the organisers only, and shown nowhere public.
_WITNESSES = (
    {
        "name": "Mapalo Chisenga",
        "email": "mapalo.chisenga@example.org",
        "publication": Publication.NAMED,
        "witness_kind": WitnessKind.FRONTLINE,
        "language": "English",
        "recording_allowed": True,
        "account": "I am a nurse at a rural health post two hours from Lusaka. For four months this year "
        "we had no paracetamol and no malaria tests. Mothers walked to us with feverish children and we "
        "sent them home with a paper telling them what to buy, which they could not afford.",
    },
    {
        "name": "Luyando Sichone",
        "email": "luyando.sichone@example.org",
        "publication": Publication.ANONYMOUS,
        "witness_kind": WitnessKind.FRONTLINE,
        "language": "Bemba",
        "safety_risk": True,
        "account": "I finished my teacher training four years ago. There has been no recruitment since. "
        "I teach sixty children at a community school for a small allowance the parents collect, and "
        "many of the people I trained with have left teaching altogether.",
    },
    {
        "name": "Mwape Kaoma",
        "email": "mwape.kaoma@example.org",
        "pseudonym": "A smallholder farmer from Eastern Province",
        "publication": Publication.PSEUDONYM,
        "witness_kind": WitnessKind.FRONTLINE,
        "language": "Nyanja",
        "account": "Our fertiliser came in January, after the rains had started. We planted late and half "
        "of the maize failed. We were told the money for the subsidy had been cut this year.",
    },
)


def _add_testimonies(tribunal: Assembly, charges: list[Charge], start: datetime, *, by: Any) -> None:
    """One approved testimony on each charge, as moderation leaves it (without its e-mail)."""
    tree_id = tribunal.coalition.lineage()[-1].id
    for index, (charge, witness) in enumerate(zip(charges, _WITNESSES, strict=True)):
        given = start - timedelta(days=20 - index)
        fields = dict(witness)
        fields["person_id"] = person_id_for(tree_id, fields["email"], {"country": "ZM"})
        db.session.add(
            Testimony(
                assembly_id=tribunal.id,
                charge_id=charge.id,
                source=TestimonySource.FORM,
                status=TestimonyStatus.APPROVED,
                created_at=given,
                confirmed_at=given + timedelta(minutes=9),
                moderated_by_id=by.id,
                moderated_at=given + timedelta(days=2),
                confirmation_sends=1,
                **fields,
            )
        )
    db.session.flush()


_PANEL = (
    (
        "Mercy Lubinda",
        PanelRole.CHAIR,
        "Retired magistrate; has chaired community hearings on land and housing in Lusaka Province.",
    ),
    (
        "Joseph Mwale",
        PanelRole.RAPPORTEUR,
        "Economist working on public debt and budgets; wrote the panel's judgment.",
    ),
    ("Ruth Chitalu", PanelRole.MEMBER, "Youth organiser with the Copperbelt Youth Jobs Campaign (demo)."),
)


def _add_panel(tribunal: Assembly, *, by: Any) -> None:
    """Invented members, without accounts (the coordinator entered their verdict for them)."""
    for name, role, bio in _PANEL:
        add_panel_member(tribunal, name=name, role=role, bio=bio, account_email="", by=by)


def _judge(tribunal: Assembly, charges: list[Charge], *, by: Any) -> None:
    for charge, (finding, reasoning) in zip(charges, _FINDINGS, strict=True):
        enter_verdict(charge, finding=finding, reasoning=reasoning, by=by)
    judgment = publish_judgment(
        tribunal,
        charges,
        summary="The panel heard testimony from health workers, teachers, farmers and young people, and "
        "finds that the burden of Zambia's external debt has been carried by those who depend on public "
        "services. It upholds two charges and partly upholds the third, and commends the demands the "
        "assembly adopted to the government and to Zambia's lenders.",
        by=by,
    )
    judgment.published_at = as_utc(tribunal.ends_at) + timedelta(days=1)  # the day after, not today


_REGIONS = ("Lusaka", "Lusaka", "Kitwe", "Chipata", "Lusaka", "Kitwe")


def _add_attendees(tribunal: Assembly, start: datetime) -> None:
    """The first six Zambian demo supporters, registered and checked in on the day (they vote)."""
    people = db.session.scalars(
        select(Person).where(Person.email.like("zm.supporter%@example.org")).order_by(Person.id).limit(6)
    ).all()
    for index, person in enumerate(people):
        db.session.add(
            Registration(
                assembly_id=tribunal.id,
                person_id=person.id,
                name=person.name,
                email=person.email,
                region=_REGIONS[index],
                country="ZM",
                language="Bemba" if index % 2 else "English",
                status=RegistrationStatus.ATTENDED,
                confirmed_at=start - timedelta(days=10 - index),
                attended_at=start + timedelta(minutes=10 * index),
                check_in_code=f"TRIB{index + 2}{index + 2}",
                confirmation_sends=1,
            )
        )
    db.session.flush()


def _report(tribunal: Assembly, zambia: Coalition, *, by: Any) -> None:
    report = save_report(
        tribunal,
        published=True,
        by=by,
        summary="Witnesses from three provinces testified in English, Bemba and Nyanja. The panel's "
        "judgment and the demands the assembly adopted are above; the first is now a petition to the "
        "Minister.",
        organisations=[m.organisation.name for m in zambia.active_members()],
        media_links=[],
    )
    report.published_at = report.updated_at = as_utc(tribunal.ends_at) + timedelta(days=2)
