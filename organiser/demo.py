"""Demo data from the alliances Organiser is built for (see shared FACTS: real organisations,
no invented contact details; every demo address is at example.org)."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import func, select

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
from organiser.core.people import ConsentSubject, record_consent, upsert_person
from organiser.db import db, utcnow
from organiser.messaging.services.mailings import create_mailing

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


def slugify(text: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in cleaned.split("-") if part)[:80]


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
