"""Demo data from the alliances Organiser is built for (see shared FACTS: real organisations,
no invented contact details; every demo address is at example.org)."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import func, select

from organiser.actions.letters.demo import seed_letters
from organiser.assemblies.demo import seed_assemblies
from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from organiser.core import services
from organiser.core.models import Role, User
from organiser.db import db, utcnow
from organiser.messaging.services.mailings import create_mailing
from organiser.people.models import ConsentSubject
from organiser.people.services import record_consent, upsert_person
from organiser.web.forms import slugify

DEMO_PASSWORD = "organiser-demo"  # noqa: S105  (printed at start; the demo runs only embedded)

SIA_PRINCIPLES = [
    "Shift the policy focus on to equality of outcome (equity).",
    "Raise the voices of disadvantaged groups and ensure representative decision-making.",
    "Form policy using better data and evidence on the disadvantages faced by different groups.",
    "Adopt a place-based focus that builds from the local out.",
    "Ensure fairness to each generation.",
]

SIA_MEMBERS = [
    ("The Equality Trust", OrganisationType.NGO, MembershipRole.CHAIR),
    ("CBI", OrganisationType.BUSINESS, MembershipRole.STEERING),
    ("Pro Bono Economics", OrganisationType.NGO, MembershipRole.MEMBER),
    ("Equally Ours", OrganisationType.NGO, MembershipRole.MEMBER),
    ("Women's Budget Group", OrganisationType.NGO, MembershipRole.MEMBER),
    ("UCL Public Policy", OrganisationType.ACADEMIC, MembershipRole.MEMBER),
    ("The Health Foundation", OrganisationType.FUNDER, MembershipRole.MEMBER),
    ("Centre for Mental Health", OrganisationType.NGO, MembershipRole.MEMBER),
    ("Sam Smethers (independent consultant)", OrganisationType.INDIVIDUAL_EXPERT, MembershipRole.MEMBER),
    ("John Ellerman Foundation", OrganisationType.FUNDER, MembershipRole.MEMBER),
]

FIA_CHAPTERS = [
    (
        "zm",
        "ZM",
        "Fight Inequality Alliance Zambia",
        ["en"],
        "People's assemblies across Zambia discuss youth unemployment, access to subsidies for farmers "
        "and health, and evaluate the policies of the Zambian government and the IMF.",
    ),
    (
        "mx",
        "MX",
        "Fight Inequality Alliance Mexico",
        ["es"],
        "La alianza en México reúne a movimientos sociales, sindicatos y organizaciones comunitarias "
        "en asambleas populares contra la desigualdad.",
    ),
    (
        "ng",
        "NG",
        "Fight Inequality Alliance Nigeria",
        ["en"],
        "Grassroots groups, trade unions and activists holding people's assemblies across Nigeria.",
    ),
    (
        "pk",
        "PK",
        "Fight Inequality Alliance Pakistan",
        ["en", "ur"],
        "Community organisations and social movements setting demands in people's assemblies in Pakistan.",
    ),
    (
        "zw",
        "ZW",
        "Fight Inequality Alliance Zimbabwe",
        ["en"],
        "People's assemblies and tribunals in Zimbabwe, held each January against the Davos meeting.",
    ),
]

DEMO_USERS = [
    ("admin@example.org", "Platform Admin", Role.PLATFORM_ADMIN, None),
    (
        "sia.coordinator@example.org",
        "SIA Coordinator",
        Role.COALITION_COORDINATOR,
        "structural-inequalities-alliance",
    ),
    (
        "fia.coordinator@example.org",
        "FIA Global Coordinator",
        Role.COALITION_COORDINATOR,
        "fight-inequality-alliance",
    ),
    ("zambia.coordinator@example.org", "FIA Zambia Coordinator", Role.COALITION_COORDINATOR, "fia-zm"),
    (
        "equalitytrust.admin@example.org",
        "Equality Trust Admin",
        Role.ORGANISATION_ADMIN,
        "the-equality-trust",
    ),
]


def seed_demo() -> bool:
    """Seed an empty database; return False (and change nothing) when coalitions exist already."""
    if db.session.scalar(select(func.count()).select_from(Coalition)):
        return False
    sia = Coalition(
        name="Structural Inequalities Alliance",
        slug="structural-inequalities-alliance",
        country="GB",
        languages=["en"],
        principles=SIA_PRINCIPLES,
        description="Launched by The Equality Trust and the CBI, the Alliance brings together business, "
        "academia and civil society to work with government and the public on structural inequalities.",
    )
    fia = Coalition(
        name="Fight Inequality Alliance",
        slug="fight-inequality-alliance",
        languages=["en", "es", "fr"],
        description="National movements in Asia, Africa, Europe, Latin America and the Caribbean, globally "
        "connected: grassroots and community organisations, social movements, NGOs, trade unions, artists "
        "and individual activists, aiming to mobilise 50 million people from the grassroots over ten years.",
    )
    db.session.add_all([sia, fia])
    for code, country, name, languages, description in FIA_CHAPTERS:
        db.session.add(
            Coalition(
                name=name,
                slug=f"fia-{code}",
                country=country,
                languages=languages,
                description=description,
                parent=fia,
            )
        )
    for name, kind, role in SIA_MEMBERS:
        org = Organisation(name=name, slug=slugify(name), type=kind, country="GB")
        db.session.add(
            Membership(
                organisation=org, coalition=sia, role=role, status=MembershipStatus.ACTIVE, joined_at=utcnow()
            )
        )
    db.session.flush()
    _seed_users()
    _seed_chapter_members(fia)
    _seed_supporters(sia, "uk", UK_NAMES)
    zambia = next(c for c in fia.chapters if c.slug == "fia-zm")
    _seed_supporters(zambia, "zm", ZAMBIA_NAMES, tree=fia)
    _seed_application(sia)
    admin = User.by_email("sia.coordinator@example.org")
    _seed_petitions(sia, zambia, admin)
    seed_letters(sia, admin)
    seed_assemblies(zambia)
    create_mailing(
        sia.id,
        by=admin,
        subject="85% of us are worried about inequality. Tell your MP.",
        from_name="Structural Inequalities Alliance",
        reply_to="",
        segments=[{"kind": "coalition_supporters"}],
        body_markdown="Dear {{ name }},\n\n85% of Britons are concerned about inequality, and 83% agree "
        "it must be reduced. This month we are asking MPs to back an **essentials guarantee** "
        "and to scrap the two-child limit.\n\nThank you for standing with us.",
    )
    db.session.commit()
    return True


# Invented organisations, marked as such: the chapters' real members are theirs to add.
CHAPTER_MEMBERS = {
    "fia-zm": [
        ("Copperbelt Youth Jobs Campaign (demo)", OrganisationType.GRASSROOTS, "Kitwe"),
        ("Zambia Smallholder Farmers' Voice (demo)", OrganisationType.SOCIAL_MOVEMENT, "Chipata"),
        ("Lusaka Health Workers' Union (demo)", OrganisationType.TRADE_UNION, "Lusaka"),
    ],
    "fia-mx": [
        ("Red de Mujeres por la Igualdad (demo)", OrganisationType.GRASSROOTS, "Oaxaca"),
        ("Colectivo Salario Digno (demo)", OrganisationType.SOCIAL_MOVEMENT, "Ciudad de México"),
    ],
    "fia-ng": [("Lagos Market Traders' Association (demo)", OrganisationType.GRASSROOTS, "Lagos")],
}


def _seed_chapter_members(fia: Coalition) -> None:
    for chapter in fia.chapters:
        for name, kind, region in CHAPTER_MEMBERS.get(chapter.slug, []):
            org = Organisation(
                name=name, slug=slugify(name), type=kind, country=chapter.country, region=region
            )
            db.session.add(
                Membership(
                    organisation=org, coalition=chapter, status=MembershipStatus.ACTIVE, joined_at=utcnow()
                )
            )
    db.session.flush()


def _seed_application(sia: Coalition) -> None:
    """One application waiting for the SIA coordinators (from an invented contact at example.org)."""
    from organiser.coalitions.services import apply_to_join

    apply_to_join(
        sia,
        organisation={
            "name": "Fairness Foundation",
            "type": OrganisationType.NGO,
            "country": "GB",
            "region": "London",
            "website": "",
            "description": "Research and campaigns on fairness and inequality in the UK.",
        },
        contact_name="Demo Applicant",
        contact_email="applicant@example.org",
    )


def _seed_petitions(sia: Coalition, zambia: Coalition, admin: User) -> None:
    """An open SIA petition with decision-makers, two co-sponsors (one invited), tracking links,
    milestones and confirmed signatures from the demo supporters; a draft; an open Zambian one."""
    from datetime import timedelta

    from organiser.actions.petitions.models import (
        Petition,
        PetitionSponsor,
        PetitionStatus,
        Signature,
        SignatureState,
        SponsorStatus,
        Target,
    )
    from organiser.people.models import Person

    now = utcnow()
    essentials = Petition(
        coalition_id=sia.id,
        title="Introduce an essentials guarantee",
        slug="essentials-guarantee",
        ask="Make sure Universal Credit always covers life's essentials, like food and bills, and scrap the "
        "two-child limit and the benefit cap.",
        background="85% of Britons are concerned about inequality, and 83% agree it must be reduced to "
        "support fairer opportunities. An essentials guarantee is the floor no one should fall below.",
        target="The Chancellor of the Exchequer",
        goal=1000,
        milestones=[100, 500],
        status=PetitionStatus.OPEN,
        opened_at=now - timedelta(days=6),
        created_by_id=admin.id,
    )
    capital_gains = Petition(
        coalition_id=sia.id,
        title="Equalise capital gains tax with income tax",
        slug="equalise-capital-gains-tax",
        ask="Tax gains from wealth at the same rates as income from work.",
        goal=5000,
        created_by_id=admin.id,
    )
    farmers = Petition(
        coalition_id=zambia.id,
        title="Keep farm subsidies for smallholders",
        slug="smallholder-subsidies",
        ask="Keep input subsidies for smallholder farmers in the national budget.",
        background="At the people's assemblies, thousands discussed youth unemployment and access to "
        "subsidies for farmers and health.",
        goal=500,
        status=PetitionStatus.OPEN,
        opened_at=now - timedelta(days=3),
        created_by_id=admin.id,
    )
    db.session.add_all([essentials, capital_gains, farmers])
    # Offices, not people: their addresses are invented, at example.org.
    chancellor = Target(
        coalition_id=sia.id,
        name="Chancellor of the Exchequer (demo)",
        role="Chancellor",
        body="HM Treasury",
        email="chancellor.demo@example.org",
    )
    dwp = Target(
        coalition_id=sia.id,
        name="Secretary of State for Work and Pensions (demo)",
        role="Secretary of State",
        body="Department for Work and Pensions",
        email="dwp.demo@example.org",
    )
    db.session.add_all([chancellor, dwp])
    db.session.flush()
    essentials.targets = [chancellor, dwp]
    orgs = {m.organisation.name: m.organisation for m in sia.memberships}
    sponsors = {
        "equality-trust": PetitionSponsor(
            petition_id=essentials.id,
            organisation_id=orgs["The Equality Trust"].id,
            code="equality-trust",
            status=SponsorStatus.ACCEPTED,
            invited_by_id=admin.id,
            responded_at=now - timedelta(days=5),
        ),
        "wbg": PetitionSponsor(
            petition_id=essentials.id,
            organisation_id=orgs["Women's Budget Group"].id,
            code="wbg",
            status=SponsorStatus.ACCEPTED,
            invited_by_id=admin.id,
            responded_at=now - timedelta(days=4),
        ),
    }
    db.session.add_all(sponsors.values())
    db.session.add(
        PetitionSponsor(
            petition_id=essentials.id,
            organisation_id=orgs["The Health Foundation"].id,
            code="health-foundation",
            invited_by_id=admin.id,
        )
    )
    db.session.flush()
    people = list(db.session.scalars(select(Person).where(Person.tree_id == sia.id).order_by(Person.id)))
    for index, person in enumerate(people[:-1]):
        code = ("equality-trust", "wbg", "", "equality-trust")[index % 4]
        sponsor = sponsors.get(code)
        if sponsor is not None and index % 2 == 0:
            record_consent(
                person,
                ConsentSubject.ORGANISATION,
                sponsor.organisation_id,
                given=True,
                wording=f"Keep me updated by e-mail about campaigns of {sponsor.organisation.name}.",
                source="petition:essentials-guarantee",
            )
        signed = now - timedelta(days=5 - index % 5, hours=index)
        db.session.add(
            Signature(
                petition_id=essentials.id,
                person_id=person.id,
                name=person.name,
                region=("Leeds", "Cardiff", "Glasgow", "Bristol", "Belfast")[index % 5],
                country="GB",
                public_name=index % 3 != 2,
                source=code,
                sponsor_organisation_id=sponsor.organisation_id if sponsor else None,
                created_at=signed,
                confirmed_at=signed + timedelta(minutes=7),
                state=SignatureState.COUNTED,
            )
        )
    zambians = list(db.session.scalars(select(Person).where(Person.tree_id == zambia.parent_id)))
    for index, person in enumerate(zambians):
        db.session.add(
            Signature(
                petition_id=farmers.id,
                person_id=person.id,
                name=person.name,
                region=("Lusaka", "Chipata", "Kitwe", "Kasama")[index % 4],
                country="ZM",
                public_name=True,
                created_at=now - timedelta(days=2, hours=index),
                confirmed_at=now - timedelta(days=2, hours=index) + timedelta(minutes=3),
                state=SignatureState.COUNTED,
            )
        )
    db.session.flush()
    for petition in (essentials, farmers):
        petition.signature_count = db.session.scalar(
            select(func.count()).where(
                Signature.petition_id == petition.id, Signature.state == SignatureState.COUNTED
            )
        )


UK_NAMES = [
    "Aisha Khan",
    "Ben Thompson",
    "Chloe Evans",
    "Dev Patel",
    "Ellie Morgan",
    "Femi Adeyemi",
    "Grace Hughes",
    "Hamza Ali",
    "Isla Murray",
    "Jack Wilson",
    "Kiran Shah",
    "Lucy Price",
]
ZAMBIA_NAMES = [
    "Bwalya Mulenga",
    "Chanda Banda",
    "Mwila Phiri",
    "Natasha Zulu",
    "Kondwani Tembo",
    "Mutale Chilufya",
    "Temwani Lungu",
    "Lombe Mwansa",
]


def _seed_supporters(
    coalition: Coalition, prefix: str, names: list[str], tree: Coalition | None = None
) -> None:
    """Demo supporters (invented, at example.org): most agreed to hear from the coalition, one did not."""
    for index, name in enumerate(names):
        email = f"{prefix}.supporter{index + 1}@example.org"
        person = upsert_person((tree or coalition).id, email, name=name, country=coalition.country)
        record_consent(
            person,
            ConsentSubject.COALITION,
            coalition.id,
            given=index != len(names) - 1,
            wording="Keep me updated about this campaign and others from the coalition.",
            source="demo seed",
        )


def _seed_users() -> None:
    for email, name, role, scope_slug in DEMO_USERS:
        user = services.create_user(email, name=name, password=DEMO_PASSWORD)
        scope_id = 0
        if role is Role.COALITION_COORDINATOR:
            scope_id = db.session.scalar(select(Coalition.id).where(Coalition.slug == scope_slug))
        elif role is Role.ORGANISATION_ADMIN:
            scope_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == scope_slug))
        services.grant_role(user, role, scope_id)


def print_logins() -> None:
    click.echo(f"\nDemo accounts (password for each: {DEMO_PASSWORD}):")
    for email, name, _role, _scope in DEMO_USERS:
        click.echo(f"  {email:<36} {name}")
    if current_app.config["MAIL_BACKEND"] == "local":
        click.echo("Mail is kept in the local outbox: sign in and open 'Local outbox' to read it.")
