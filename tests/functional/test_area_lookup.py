"""Letters "by region" through a postcode: a coordinator imports the lookup table through the CSV
import (checked preview with row numbers, then confirm) and gives decision-makers their area; a
writer types a postcode, presses "Find my representatives" and sees who will receive the letter,
then sends and confirms through the e-mailed link; an unknown or malformed postcode is explained
next to the field, and the writer picks their area from the list and sends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from organiser.actions.letters.models import Letter, LetterStatus
from organiser.actions.targets.lookup.models import AreaKey
from organiser.actions.targets.models import Target
from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, TargetFactory, user_with_role
from tests.functional.test_csv_imports import Import, confirm, results, upload
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

AREAS = Import("/coalitions/sia/areas/import", "postcode,area_code,area_name", lambda key: f"{key},X,X")
SLUG = "write-to-your-mp"
TABLE = "\n".join(
    [
        "postcode,area_code,area_name",
        "LS6,e14001336,Leeds Central and Headingley",
        "ls1 ,E14001336,Leeds Central and Headingley",
        "YO1,E14001061,York Central",
        "BS8,E14001131,Bristol Central",
        "",
    ]
)
WRITER = {
    "name": "Grace Hughes",
    "email": "grace@example.org",
    "country": "GB",
    "subject": "Guarantee the essentials",
    "body": "I am writing because my family cannot cover food and bills. Please act now.",
}


@pytest.fixture
def coordinator(app):
    """SIA's coordinator; two decision-makers for Leeds Central and Headingley (one by area code,
    one by the constituency's name only), one for York Central, one national."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        for name, region, code, email in (
            ("Ann Lee", "", "E14001336", "ann@parliament.example"),
            ("Cat Dee", "leeds central and  headingley", "", "cat@council.example"),
            ("Bob Roe", "York", "E14001061", "bob@parliament.example"),
            ("Rachel Reeves", "", "", "chancellor@treasury.example"),
        ):
            TargetFactory(coalition_id=sia.id, name=name, region=region, area_code=code, email=email)
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "coord@example.org", PASSWORD).status_code == 302
    return client


def _table(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        return {r.key: (r.area_code, r.area_name) for r in db.session.scalars(select(AreaKey))}


def _by_region_campaign(app, coordinator, *, table: str | None = TABLE) -> None:
    if table is not None:
        confirm(coordinator, AREAS, upload(coordinator, AREAS, table))
    created = submit(
        coordinator,
        "/coalitions/sia/letters/new",
        {
            "title": "Write to your MP",
            "slug": SLUG,
            "intro": "Ask your MP for an essentials guarantee.",
            "subject": WRITER["subject"],
            "body": "Please back an essentials guarantee in Universal Credit.",
            "target_mode": "region",
        },
    )
    assert created.status_code == 302, text_of(created)
    page = coordinator.get(f"/letters/{SLUG}").get_data(as_text=True)
    opened = coordinator.post(
        f"/letters/{SLUG}/open", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "The campaign is open for letters" in text_of(opened)


def _letters(app) -> dict[str, tuple[str, LetterStatus]]:
    with app.app_context():
        query = select(Target.name, Letter.region, Letter.status).join(Target, Letter.target_id == Target.id)
        return {name: (region, status) for name, region, status in db.session.execute(query)}


# ---- the import ------------------------------------------------------------------------------------


def test_the_table_is_imported_through_a_checked_preview_with_row_numbers(app, coordinator):
    text = "\n".join(
        [
            "Postcode;Area code;Area name",
            "LS6;E14001336;Leeds Central and Headingley",
            "yo1;E14001061;York Central",
            ";E14001061;York Central",
            "LS2;;Leeds",
            "<script>;E1;Nowhere",
            "ls6;E14001336;Leeds Central and Headingley",
            "YO1;E14001131;Bristol Central",
            "Lusaka;ZM-09;",
            "",
        ]
    )
    preview = upload(coordinator, AREAS, text)
    rows = results(preview)
    assert rows[2] == "LS6 Leeds Central and Headingley (E14001336) Ready"
    assert rows[3] == "YO1 York Central (E14001061) Ready", "keys are normalised: upper case"
    assert "The postcode is missing" in rows[4]
    assert "The area code is missing" in rows[5]
    assert "“<script>” is not a postcode, code or place name" in rows[6]
    assert "Already in the table: skipped" in rows[7], "the same key and area twice: a duplicate"
    assert "YO1 is on line 3 already, in another area" in rows[8]
    assert rows[9] == "LUSAKA ZM-09 Ready", "any key; the name defaults to the code"
    assert "3 rows can be imported" in text_of(preview) and "5 rows will be skipped" in text_of(preview)
    assert _table(app) == {}, "nothing is written before the confirmation"

    done = confirm(coordinator, AREAS, preview)
    assert "3 rows of the lookup table imported; 5 rows skipped" in done
    assert _table(app) == {
        "LS6": ("E14001336", "Leeds Central and Headingley"),
        "YO1": ("E14001061", "York Central"),
        "LUSAKA": ("ZM-09", "ZM-09"),
    }
    page = text_of(coordinator.get("/coalitions/sia/areas"))
    assert "Leeds Central and Headingley E14001336 LS6 2" in page, "two decision-makers: by code and by name"
    assert "York Central E14001061 YO1 1" in page and "ZM-09 ZM-09 LUSAKA None yet" in page

    moved = upload(
        coordinator,
        AREAS,
        "postcode,area_code,area_name\nYO1,E14001131,Bristol Central\n"
        "LS6,E14001336,Leeds Central and Headingley\n",
    )
    assert (
        results(moved)[2] == "YO1 Bristol Central (E14001131) Ready. Moves it from York Central (E14001061)"
    )
    assert "Already in the table: skipped" in results(moved)[3]
    confirm(coordinator, AREAS, moved)
    assert _table(app)["YO1"] == ("E14001131", "Bristol Central")


def test_a_bad_file_is_refused_by_the_file_field(app, coordinator):
    refused = text_of(upload(coordinator, AREAS, "postcode,name\nLS6,Leeds\n"))
    assert "Missing: area_code" in refused
    with app.app_context():
        assert db.session.scalar(select(AreaKey.id)) is None


def test_the_table_can_be_emptied(app, coordinator):
    confirm(coordinator, AREAS, upload(coordinator, AREAS, TABLE))
    page = coordinator.get("/coalitions/sia/areas").get_data(as_text=True)
    emptied = coordinator.post(
        "/coalitions/sia/areas/clear", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "The lookup table is empty: 4 rows removed" in text_of(emptied)
    assert _table(app) == {}


def test_decision_makers_get_their_area_code_by_hand_and_by_import(app, coordinator):
    added = submit(
        coordinator,
        "/coalitions/sia/targets",
        {"name": "Dee Vine", "email": "dee@parliament.example", "area_code": " e14001131 "},
    )
    assert added.status_code == 302
    page = coordinator.get("/coalitions/sia/targets/import").get_data(as_text=True)
    targets = Import("/coalitions/sia/targets/import", "name,email,area_code", lambda n: n)
    confirm(
        coordinator,
        targets,
        upload(coordinator, targets, "name,email,area_code\nEve Ash,eve@p.example,zm-09\n"),
    )
    with app.app_context():
        codes = dict(db.session.execute(select(Target.name, Target.area_code)).all())
    assert codes["Dee Vine"] == "E14001131" and codes["Eve Ash"] == "ZM-09" and page


# ---- the writer ------------------------------------------------------------------------------------


def test_a_postcode_shows_the_two_decision_makers_and_the_letter_goes_to_them(app, coordinator, mail):
    _by_region_campaign(app, coordinator)
    visitor = app.test_client()
    page = visitor.get(f"/letters/{SLUG}")
    shown = text_of(page)
    assert "Your postcode" in shown and "Find my representatives" in shown
    assert "Set-Cookie" not in page.headers and page.headers["Cache-Control"].startswith("public")

    found = visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "postcode": " ls6  1ab ", "find": "y"})
    shown = text_of(found)
    assert "The 2 decision-makers for Leeds Central and Headingley: Ann Lee Cat Dee" in shown
    assert "Bob Roe" not in shown and "Rachel Reeves" not in shown
    assert 'value="LS6 1AB"' in found.get_data(as_text=True), "the postcode, as Royal Mail writes it"
    assert "Error" not in shown and mail.messages == [] and _letters(app) == {}, "finding sends nothing"

    sent = visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "postcode": "LS6 1AB"})
    assert "check your e-mail" in text_of(sent).lower()
    [message] = mail.wait_for(1)
    assert _letters(app) == {
        "Ann Lee": ("Leeds Central and Headingley", LetterStatus.PENDING),
        "Cat Dee": ("Leeds Central and Headingley", LetterStatus.PENDING),
    }
    visitor.post(path_of(links_in(message)[0]))
    letters = _letters(app)
    assert sorted(letters) == ["Ann Lee", "Cat Dee"]
    assert {status for _region, status in letters.values()} <= {
        LetterStatus.CONFIRMED,
        LetterStatus.QUEUED,
        LetterStatus.SENT,
    }


def test_an_unknown_postcode_is_explained_and_the_writer_picks_their_area_and_sends(app, coordinator, mail):
    _by_region_campaign(app, coordinator)
    visitor = app.test_client()
    unknown = visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "postcode": "zz9 9zz", "find": "y"})
    shown = text_of(unknown)
    assert shown.startswith("Error:")
    assert "We do not know the postcode “ZZ9 9ZZ”: check it, or choose your area from the list" in shown
    html = unknown.get_data(as_text=True)
    assert '<details class="area-pick" open>' in html
    for area in ("Leeds Central and Headingley", "York Central"):
        assert f">{area}</option>" in html
    assert ">Bristol Central</option>" not in html, "only areas with decision-makers are offered"

    malformed = text_of(
        visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "postcode": "<LS6>", "find": "y"})
    )
    assert "“<LS6>” is not a postcode: check it, or choose your area from the list" in malformed
    nobody = text_of(
        visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "postcode": "BS8 1TH", "find": "y"})
    )
    assert "No one receives letters for Bristol Central in this campaign" in nobody

    refused = text_of(visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "postcode": "ZZ9 9ZZ"}))
    assert "We do not know the postcode" in refused and mail.messages == [] and _letters(app) == {}
    forged = text_of(visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "constituency": "E14009999"}))
    assert "Choose your region or constituency from the list" in forged and _letters(app) == {}

    visitor.post(
        f"/letters/{SLUG}/write", data={**WRITER, "postcode": "ZZ9 9ZZ", "constituency": "E14001061"}
    )
    [message] = mail.wait_for(1)
    visitor.post(path_of(links_in(message)[0]))
    [(name, (region, status))] = _letters(app).items()
    assert (name, region) == ("Bob Roe", "York Central") and status != LetterStatus.PENDING


def test_finding_again_looks_the_new_postcode_up_rather_than_the_area_picked_before(app, coordinator, mail):
    _by_region_campaign(app, coordinator)
    again = app.test_client().post(
        f"/letters/{SLUG}/write",
        data={**WRITER, "postcode": "YO1 7HH", "constituency": "E14001336", "find": "y"},
    )
    shown = text_of(again)
    assert "The decision-maker for York Central: Bob Roe" in shown and "Ann Lee" not in shown


def test_without_a_table_the_writer_picks_from_the_list_as_before(app, coordinator, mail):
    _by_region_campaign(app, coordinator, table=None)
    shown = text_of(app.test_client().get(f"/letters/{SLUG}"))
    assert "Your postcode" not in shown and "Your region or constituency" in shown
    html = app.test_client().get(f"/letters/{SLUG}").get_data(as_text=True)
    assert '<option value="E14001061">York</option>' in html, "a code without a table: the region names it"
    assert '<option value="leeds central and headingley">leeds central and headingley</option>' in html


# ---- the demo --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "typed", "who"),
    [
        ("write-to-your-mp", "l8 7ne", "MP for Liverpool Riverside (demo)"),
        ("write-to-your-mp", "EH6 6QU", "MP for Edinburgh North and Leith (demo)"),
        ("smallholder-subsidies-letter", "kitwe", "Provincial Minister, Copperbelt Province (demo)"),
        ("smallholder-subsidies-letter", "Lusaka province", "Provincial Minister, Lusaka Province (demo)"),
    ],
)
def test_the_demo_finds_mps_by_postcode_and_zambian_ministers_by_town(app, slug, typed, who):
    assert "Demo data seeded" in app.test_cli_runner().invoke(args=["seed-demo"]).output
    found = app.test_client().post(f"/letters/{slug}/write", data={**WRITER, "postcode": typed, "find": "y"})
    recipients = text_of(found).split("Find my representatives")[-1].split("Or choose")[0]
    assert who in recipients and recipients.count("(demo)") == 1, recipients
    if slug.startswith("smallholder"):
        assert "Or the name of your town, district or province" in text_of(found)


def test_a_postcode_with_control_characters_is_refused_by_its_field(app, coordinator, mail):
    _by_region_campaign(app, coordinator)
    for data in ({"find": "y"}, {}):
        page = app.test_client().post(
            f"/letters/{SLUG}/write", data={**WRITER, "postcode": "LS6\x00 1AB", **data}
        )
        html = page.get_data(as_text=True)
        assert "\x00" not in text_of(page).split("There is a problem")[1].split("Your postcode")[0]
        assert text_of(page).startswith("Error:") and 'id="recipients"' not in html
    assert _letters(app) == {} and mail.messages == []
