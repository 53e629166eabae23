"""Selection by lot through the organisers' pages and the public ones (jobs in-process): the pool set up,
volunteers imported with row-numbered errors, quotas checked before a run (an infeasible set named), the
draw re-run from what the public page publishes, erasure, and retention erasing the features while the
counts stay."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from organiser.assemblies.sortition import solver
from organiser.assemblies.sortition.models import SortitionPool, Volunteer
from organiser.core.models import Role
from organiser.db import db, utcnow
from tests.factories import PASSWORD, AssemblyFactory, CoalitionFactory, user_with_role
from tests.helpers import csrf_token, sign_in, submit, text_of

SLUG = "kitwe-assembly"
LOT = f"/assemblies/{SLUG}/sortition"
CATEGORIES = "Gender: woman, man\nAge: under 40, 40 and over"
QUOTAS = "category,feature,min,max\nGender,woman,2,2\nGender,man,2,2\nAge,under 40,1,3\nAge,40 and over,1,3\n"
PEOPLE = [  # (name, gender, age)
    ("Chanda Mulenga", "woman", "under 40"),
    ("Mutale Phiri", "woman", "40 and over"),
    ("Bwalya Tembo", "woman", "under 40"),
    ("Natasha Zulu", "woman", "40 and over"),
    ("Kelvin Banda", "man", "under 40"),
    ("Mwape Lungu", "man", "40 and over"),
    ("Joseph Mwansa", "man", "under 40"),
    ("Emmanuel Sakala", "man", "40 and over"),
]


def make_assembly(app, **changes) -> None:
    with app.app_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zm", country="ZM")
        AssemblyFactory(coalition_id=zambia.id, title="Kitwe Citizens' Assembly", slug=SLUG, **changes)
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@example.org")
        db.session.commit()


def signed_in(app):
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    return client


def set_up_pool(client, *, household: bool = False):
    fields = {"categories": CATEGORIES, "panel_size": "4", "volunteering_open": "y"}
    if household:
        fields["one_per_household"] = "y"
    saved = submit(client, LOT, fields, follow=True)
    assert "Selection by lot is set up" in text_of(saved)
    return saved


def people_csv(people=PEOPLE) -> str:
    rows = [
        f"{i},{name},{name.split()[0].lower()}@example.org,{g},{a}" for i, (name, g, a) in enumerate(people)
    ]
    return "id,name,email,Gender,Age\n" + "\n".join(rows) + "\n"


def import_people(client, text: str):
    preview = submit(client, f"{LOT}/import", {"people": text})
    assert "ready to import" in text_of(preview), text_of(preview)
    token = csrf_token(preview.get_data(as_text=True))
    return client.post(
        f"{LOT}/import", data={"people": text, "confirm": "1", "csrf_token": token}, follow_redirects=True
    )


def set_quotas(client, text: str = QUOTAS):
    return submit(client, f"{LOT}/quotas", {"quotas": text}, follow=True)


def start_run(client, method: str = "maximin", **extra: str):
    return submit(client, f"{LOT}/runs", {"method": method, "time_limit": "20", **extra}, page=LOT)


def run_path(response) -> str:
    assert response.status_code == 302, text_of(response)
    return response.location


def commit_and_reveal(client, run: str, seed: str):
    digest = hashlib.sha256(seed.encode()).hexdigest()
    committed = submit(client, f"{run}/seed", {"seed_sha256": digest}, page=run, follow=True)
    assert digest in text_of(committed)
    return submit(client, f"{run}/reveal", {"seed": seed}, page=run, follow=True)


def drawn_in(response) -> list[str]:
    match = re.search(r"Drawn: ((?:P-[0-9A-F]{8}(?:, )?)+)", text_of(response))
    assert match, text_of(response)
    return match.group(1).split(", ")


@pytest.fixture
def organiser(app):
    make_assembly(app)
    client = signed_in(app)
    set_up_pool(client)
    return client


def test_import_shows_errors_by_row_and_keeps_nothing_until_confirmed(app, organiser):
    bad = (
        people_csv()
        + "9,Ruth Chileshe,not-an-address,woman,under 40\n10,Ruth Chileshe,ruth@example.org,girl,young\n"
        + "11,Ruth\n"
    )
    page = text_of(submit(organiser, f"{LOT}/import", {"people": bad}))
    assert "Row 10: the e-mail address is not valid." in page
    assert "Row 11: “girl” is not one of the features of Gender." in page
    assert "Row 12: the e-mail address is not valid." in page, "a short row"
    assert "Nothing was imported" in page
    imported = import_people(organiser, people_csv())
    assert "8 volunteers imported" in text_of(imported)
    assert "8 volunteers in the pool" in text_of(imported)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 8


def test_infeasible_quotas_are_named_before_anything_runs(app, organiser):
    import_people(organiser, people_csv())
    set_quotas(organiser, "category,feature,min,max\nGender,woman,3,4\nGender,man,3,4\n")
    refused = start_run(organiser)
    assert refused.status_code == 409
    text = text_of(refused)
    assert "woman" in text and "man" in text, text
    with app.app_context():
        assert db.session.scalar(select(SortitionPool.id)) is not None
    assert "Run 1" not in text


def test_a_run_shows_the_chances_and_the_public_data_re_runs_the_draw(app, organiser):
    import_people(organiser, people_csv())
    assert "Quotas saved" in text_of(set_quotas(organiser))
    download = organiser.get(f"{LOT}/quotas.csv")
    assert download.get_data(as_text=True).replace("\r\n", "\n") == QUOTAS and download.mimetype == "text/csv"
    run = run_path(start_run(organiser, "leximin"))
    page = organiser.get(run)
    text = text_of(page)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "Each method's smallest and largest chance" in text and "legacy" in text
    assert "<svg" in page.get_data(as_text=True) and "Volunteers by chance of selection" in text
    drawn = drawn_in(commit_and_reveal(organiser, run, "kitwe 2026 seed"))
    assert len(drawn) == 4

    public = app.test_client().get(f"/assemblies/{SLUG}/selection")
    shown = text_of(public)
    assert "kitwe 2026 seed" in shown and ", ".join(drawn) in shown
    assert '--seed "kitwe 2026 seed"' in shown, "the command that re-runs the draw"
    assert "Chanda" not in shown and "@example.org" not in shown, "no personal data is published"
    [link] = re.findall(r'href="([^"]+\.json)"', public.get_data(as_text=True))
    published = app.test_client().get(link).get_data()
    assert hashlib.sha256(published).hexdigest() in shown
    distribution = solver.Distribution.from_json(json.loads(published))
    assert list(solver.draw(distribution, "kitwe 2026 seed")) == drawn, "the same seed gives the same panel"
    assert b"@example.org" not in published


def test_a_wrong_seed_is_refused_and_a_lottery_result_draws_at_once(app, organiser):
    import_people(organiser, people_csv())
    set_quotas(organiser)
    run = run_path(start_run(organiser, "maximin"))
    digest = hashlib.sha256(b"the real seed").hexdigest()
    submit(organiser, f"{run}/seed", {"seed_sha256": digest}, page=run)
    refused = submit(organiser, f"{run}/reveal", {"seed": "another seed"}, page=run)
    assert "does not match the SHA-256" in text_of(refused)
    second = run_path(start_run(organiser, "maximin"))
    drawn = submit(organiser, f"{second}/seed", {"result": "04 11 23 35 42 + 07"}, page=second, follow=True)
    assert len(drawn_in(drawn)) == 4
    again = start_run(organiser, "maximin")
    assert again.status_code == 409 and "The panel is drawn already" in text_of(again), "drawn once"
    late = submit(organiser, f"{run}/seed", {"result": "01 02 03 04 05"}, page=run)
    assert "A seed is committed for this selection already" in text_of(late)


def test_a_run_whose_worker_stopped_says_so_and_stops_reloading(app, organiser):
    from organiser.assemblies.sortition.models import SelectionRun

    import_people(organiser, people_csv())
    set_quotas(organiser)
    run = run_path(start_run(organiser, "legacy"))
    with app.app_context():
        row = db.session.scalar(select(SelectionRun))
        row.status, row.created_at = "running", utcnow() - timedelta(hours=1)
        db.session.commit()
    page = organiser.get(run).get_data(as_text=True)
    assert "The run stopped" in page and 'http-equiv="refresh"' not in page


def test_retention_erases_the_features_and_keeps_the_counts(app, organiser):
    from organiser.privacy.services.retention import run_retention

    import_people(organiser, people_csv())
    with app.app_context():
        run_retention(utcnow() + timedelta(days=20))
        assert all(v.features for v in db.session.scalars(select(Volunteer))), "not before the assembly ends"
        run_retention(utcnow() + timedelta(days=60))
        db.session.commit()
        assert not any(v.features for v in db.session.scalars(select(Volunteer)))
    page = text_of(organiser.get(LOT))
    assert "answers were deleted" in page
    assert "Gender woman 4" in page and "Age 40 and over 4" in page, "the counts are kept"


def test_erasing_a_volunteer_leaves_nothing_personal(app, organiser):
    from organiser.people.models import Person
    from organiser.privacy.services import erase_person, person_data

    import_people(organiser, people_csv())
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "chanda@example.org"))
        [row] = person_data(person)["actions"]["sortition_volunteers"]
        assert row["features"] == {"Gender": "woman", "Age": "under 40"}, "her answers are hers to see"
        erase_person(person, requested_by="the person")
        db.session.commit()
        emails = set(db.session.scalars(select(Volunteer.email)))
        assert "chanda@example.org" not in emails and None in emails


def test_the_public_form_asks_the_pools_questions_and_keeps_nothing_unconfirmed_or_from_bots(app, mail):
    make_assembly(app)
    organiser = signed_in(app)
    set_up_pool(organiser, household=True)
    visitor = app.test_client()
    url = f"/assemblies/{SLUG}/volunteer"
    assert f'href="{url}"' in visitor.get(f"/assemblies/{SLUG}").get_data(as_text=True)
    form = visitor.get(url)
    assert "Set-Cookie" not in form.headers and form.headers["Cache-Control"].startswith("public")
    assert "Your address or household" in text_of(form) and "Gender" in text_of(form)
    missing = visitor.post(url, data={"name": "Chanda Mulenga", "email": "chanda@example.org"})
    assert "Choose an answer" in text_of(missing) and "Tick the box to volunteer" in text_of(missing)
    fields = {"name": "Chanda Mulenga", "email": "chanda@example.org", "category_0": "woman"}
    fields.update(category_1="under 40", household="12 Freedom Way, Kitwe", agree="y")
    visitor.post(url, data=fields)
    visitor.post(url, data=fields)
    visitor.post(url, data={**fields, "email": "bot@example.org", "website": "http://spam.example"})
    assert len(mail.wait_for_to("chanda@example.org", 2)) == 2, "volunteering again sends the link again"
    with app.app_context():
        [volunteer] = db.session.scalars(select(Volunteer)).all()
        assert volunteer.status == "pending" and volunteer.household == "12 Freedom Way, Kitwe"
    assert "0 volunteers in the pool" in text_of(organiser.get(LOT)), "nothing counts before the link"
    submit(organiser, LOT, {"categories": CATEGORIES, "panel_size": "4"})  # volunteering closed
    assert visitor.post(url, data=fields).status_code == 409
