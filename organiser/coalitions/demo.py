"""Demo data for coalitions: the Structural Inequalities Alliance and its members, the Fight Inequality
Alliance and its national chapters (with a few invented members, marked as such), the demo accounts,
demo supporters of SIA and FIA Zambia, and one application waiting for the SIA coordinators. Real
organisations, no invented contact details: every demo address is at example.org. Seeded by
``organiser.demo``."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from organiser.coalitions.services import apply_to_join
from organiser.core import services as core_services
from organiser.core.models import Role
from organiser.db import db, utcnow
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


class DemoCoalitions(NamedTuple):
    sia: Coalition
    fia: Coalition
    zambia: Coalition


def seed_coalitions() -> DemoCoalitions:
    """The alliances, their chapters and members, the demo accounts, supporters and an application."""
    sia, fia = _alliances()
    db.session.add_all([sia, fia])
    _add_chapters(fia)
    _add_members(sia)
    db.session.flush()
    seed_users()
    _seed_chapter_members(fia)
    _seed_supporters(sia, "uk", UK_NAMES)
    zambia = next(c for c in fia.chapters if c.slug == "fia-zm")
    _seed_supporters(zambia, "zm", ZAMBIA_NAMES, tree=fia)
    _seed_application(sia)
    return DemoCoalitions(sia, fia, zambia)


def _alliances() -> tuple[Coalition, Coalition]:
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
    return sia, fia


def _add_chapters(fia: Coalition) -> None:
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


def _add_members(sia: Coalition) -> None:
    for name, kind, role in SIA_MEMBERS:
        org = Organisation(name=name, slug=slugify(name), type=kind, country="GB")
        db.session.add(
            Membership(
                organisation=org, coalition=sia, role=role, status=MembershipStatus.ACTIVE, joined_at=utcnow()
            )
        )


def seed_users() -> None:
    """The demo accounts, each with its role (all with ``DEMO_PASSWORD``)."""
    for email, name, role, scope_slug in DEMO_USERS:
        user = core_services.create_user(email, name=name, password=DEMO_PASSWORD)
        scope_id = 0
        if role is Role.COALITION_COORDINATOR:
            scope_id = db.session.scalar(select(Coalition.id).where(Coalition.slug == scope_slug))
        elif role is Role.ORGANISATION_ADMIN:
            scope_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == scope_slug))
        core_services.grant_role(user, role, scope_id)


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


def _seed_application(sia: Coalition) -> None:
    """One application waiting for the SIA coordinators (from an invented contact at example.org)."""
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
