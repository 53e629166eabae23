"""The demo as a visitor finds it: the Lusaka assembly's programme with its speakers, and FIA Zambia's
tribunal on debt and public services with the whole chain (charges, testimonies, panel, verdicts,
demands, the petition the first one became), the anonymous witness nowhere to be seen."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from organiser.assemblies.demands.models import Demand, DemandStatus, Outcome
from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals import models as tm
from organiser.db import db
from tests.helpers import text_of

TRIBUNAL = "/assemblies/peoples-tribunal-debt-public-services"


@pytest.fixture
def seeded(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "Demo data seeded" in result.output, result.output
    return client


def test_the_lusaka_programme_shows_its_speakers_and_the_form_its_questions(seeded):
    page = text_of(seeded.get("/assemblies/lusaka-peoples-assembly"))
    assert "09:00 · Welcome and why we are here Speakers: Chilufya Mwamba (Host, Fight Inequality" in page
    assert "Speakers: Agness Tembo (Nurse, Lusaka Health Workers' Union (demo))" in page
    assert "Peter Daka (Smallholder farmer, Zambia Smallholder Farmers' Voice (demo)); Memory Sakala" in page
    assert "Would you like to speak in the testimonies?" in page
    assert "Are you a member of one of the chapter's organisations?" in page


def test_the_tribunal_shows_its_charges_verdicts_and_panel(seeded):
    page = text_of(seeded.get(TRIBUNAL))
    for charge, finding in (
        ("Cutting health and education spending to keep up payments on external debt", "Upheld"),
        ("Loan conditions that froze hiring in the public sector", "Partly upheld"),
        ("Delaying and cutting input subsidies for smallholder farmers", "Upheld"),
    ):
        assert re.search(rf"{re.escape(charge)} Against: .*?The panel's finding: {finding}", page), charge
    assert "Against: International Monetary Fund · A lender" in page
    assert "The hiring freeze is shown, and the loan conditions pressed for it" in page
    assert "The judgment Published on" in page
    assert "Mercy Lubinda Chair Retired magistrate" in page and "Joseph Mwale Rapporteur" in page
    assert "Give your testimony" not in page  # judged: no more testimonies


def test_each_witness_is_shown_only_as_they_chose(app, seeded):
    response = seeded.get(TRIBUNAL)
    html, page = response.get_data(as_text=True), text_of(response)
    assert "Mapalo Chisenga · Frontline witness · English I am a nurse at a rural health post" in page
    assert "An anonymous witness · Frontline witness · Bemba I finished my teacher training" in page
    assert "A smallholder farmer from Eastern Province · Frontline witness · Nyanja Our fertiliser" in page
    with app.app_context():
        hidden = db.session.scalars(
            select(tm.Testimony).where(tm.Testimony.publication != tm.Publication.NAMED)
        ).all()
        assert {t.publication for t in hidden} == {tm.Publication.ANONYMOUS, tm.Publication.PSEUDONYM}
        secrets = [part for t in hidden for part in (t.name, t.email, t.email.split("@")[0])]
    for secret in secrets:
        assert secret.lower() not in html.lower(), secret


def test_the_demands_were_voted_and_the_first_is_an_open_signed_petition(app, seeded):
    page = text_of(seeded.get(TRIBUNAL))
    assert "Restore the health and education budgets before any new payment to external creditors." in page
    assert "Adopted · 5 for, 0 against, 1 abstaining" in page
    assert "Not adopted · 2 for, 3 against, 1 abstaining" in page
    assert "A petition: Restore the health and education budgets" in page and "· Open · 5 signatures" in page
    with app.app_context():
        tribunal = db.session.scalar(select(Assembly).where(Assembly.slug == TRIBUNAL.rsplit("/", 1)[1]))
        demands = db.session.scalars(
            select(Demand).where(Demand.assembly_id == tribunal.id).order_by(Demand.position)
        ).all()
        assert [d.status for d in demands] == [
            DemandStatus.ADOPTED,
            DemandStatus.ADOPTED,
            DemandStatus.NOT_ADOPTED,
        ]
        assert demands[0].outcome == Outcome.LAUNCHED and demands[0].petition_id is not None
    petition_url = re.search(r'href="(/petitions/[^"]+)"', seeded.get(TRIBUNAL).get_data(as_text=True))[1]
    petition = text_of(seeded.get(petition_url))
    assert "To: Minister of Finance and National Planning, Government of Zambia" in petition
    assert "This action carries a demand adopted by People's Tribunal on Debt and Public Services" in petition
    assert "5 signatures" in petition and "Sign the petition" in petition
    assert "Luyando" not in petition
