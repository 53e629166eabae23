"""Importing supporters from CSV as a coordinator does it: upload the file, check the columns and
the rows on the preview, state the consent, import; then read what it did. The database is read only
to check what the pages said: who was added, what their consent record holds."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import SuppressionReason
from organiser.messaging.services.suppression import suppress
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person
from organiser.people.services import record_consent
from tests.factories import PASSWORD, CoalitionFactory, PersonFactory, user_with_role
from tests.helpers import csrf_token, sign_in, text_of

WORDING = "Yes, keep me updated about the Fair Tax campaign by e-mail."
WHERE = "Action Network form “Fair tax”"
WHEN = "2025-03-31"
ACTION_NETWORK = "email,first_name,last_name,zip_code,country,language"


@pytest.fixture
def fia(app):
    """FIA Zambia, a chapter of FIA, with its coordinator signed in; ids by name."""
    with app.app_context():
        alliance = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", parent=alliance, country="ZM")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@fia-zambia.example")
        db.session.commit()
        ids = {"alliance": alliance.id, "chapter": zambia.id}
    client = app.test_client()
    assert sign_in(client, "coord@fia-zambia.example", PASSWORD).status_code == 302
    return client, ids


def upload(client, text: str, name: str = "supporters.csv"):
    """Upload on the import page; the answer (the columns page when the file is taken)."""
    page = client.get("/coalitions/fia-zambia/supporters/import")
    assert page.status_code == 200
    return client.post(
        "/coalitions/fia-zambia/supporters/import",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "file": (io.BytesIO(text.encode()), name),
        },
        follow_redirects=True,
    )


def chosen_columns(page) -> dict[str, str]:
    """Each column's select on the columns page: its label and the field chosen."""
    html = page.get_data(as_text=True)
    found = {}
    for label, body in re.findall(
        r'<label for="column_\d+">(.*?)</label>.*?<select[^>]*>(.*?)</select>', html, re.S
    ):
        found[unescape(label)] = re.search(r'<option selected value="([^"]+)"', body).group(1)
    return found


def problems(page) -> dict[int, str]:
    """The rows with a problem, as the columns page lists them: row number → the problem."""
    html = page.get_data(as_text=True)
    table = html.split('id="problems-title"', 1)[1] if 'id="problems-title"' in html else ""
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", table, re.S)
    return {int(n): unescape(text) for n, text in rows}


def state_consent(client, columns_page, data: dict[str, str]):
    """Follow the columns page's "Next" link and send the consent form; the page it leads to."""
    link = re.search(r'href="([^"]+/consent)"', columns_page.get_data(as_text=True))
    assert link, "the columns page offers no next step"
    page = client.get(link.group(1))
    assert page.status_code == 200
    return client.post(
        link.group(1),
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data},
        follow_redirects=True,
    )


AGREED = {"stated_consent": "given", "wording": WORDING, "agreed_where": WHERE, "agreed_on": WHEN}
NOT_AGREED = {"stated_consent": "none", "wording": "", "agreed_where": "", "agreed_on": ""}


def shown(page, label: str) -> int:
    """A figure of the import's page, by its label."""
    match = re.search(rf"{re.escape(label)} ([\d,]+)", text_of(page))
    assert match, f"{label!r} not on the page: {text_of(page)[:800]}"
    return int(match.group(1).replace(",", ""))


def figures(page) -> dict[str, int]:
    return {
        "rows": shown(page, "Rows in the file"),
        "created": shown(page, "Added"),
        "merged": shown(page, "Already there, details or consent added"),
        "unchanged": shown(page, "Already there, nothing to add"),
        "suppressed": shown(page, "Left out: unsubscribed from everything, bounced or erased"),
        "withdrawn": shown(page, "Left out: they had withdrawn their consent"),
        "repeated": shown(page, "Rows repeating an earlier row's address (merged into it)"),
        "errors": shown(page, "Rows with a problem, left out"),
    }


def ledger(app, chapter_id: int) -> list[tuple[str, bool, str, str, datetime]]:
    """Every consent event about the chapter: (address, given, wording, source, when)."""
    with app.app_context():
        query = (
            select(
                Person.email,
                ConsentEvent.given,
                ConsentEvent.wording,
                ConsentEvent.source,
                ConsentEvent.created_at,
            )
            .join(Person, Person.id == ConsentEvent.person_id)
            .where(
                ConsentEvent.subject_type == ConsentSubject.COALITION, ConsentEvent.subject_id == chapter_id
            )
        )
        return [tuple(row) for row in db.session.execute(query)]


def people(app, tree_id: int) -> dict[str, Person]:
    with app.app_context():
        return {p.email: p for p in db.session.scalars(select(Person).where(Person.tree_id == tree_id))}


# ---- ten thousand rows ----------------------------------------------------------------------------------

BAD_ROWS = {  # the file's line → the row, and what the preview must say about it
    7: ("not-an-address,Ann,Lee,10101,ZM,en", "“not-an-address” is not an e-mail address"),
    77: (",Ann,Lee,10101,ZM,en", "The e-mail address is missing"),
    150: ("zoe@example.org,Zo\x01e,Lee,10101,ZM,en", "The first_name has invisible control characters in it"),
    400: ("long@example.org,Ann,Lee," + "9" * 21 + ",ZM,en", "The postcode is longer than 20 characters"),
    999: ("narnia@example.org,Ann,Lee,10101,Narnia,en", "“Narnia” is not a country code such as GB or ZM"),
    1500: ("klingon@example.org,Ann,Lee,10101,ZM,tlhx", "“tlhx” is not a language code such as en or es"),
    2000: ('"quote@example.org,Ann,Lee,10101,ZM,en', "The quotation marks in this row do not pair up"),
    2500: ("extra@example.org,Ann,Lee,10101,ZM,en,surplus", "more values than the first row has columns"),
    3000: ("two@@example.org,Ann,Lee,10101,ZM,en", "is not an e-mail address"),
    3500: (
        "x" * 250 + "@example.org,Ann,Lee,10101,ZM,en",
        "The e-mail address is longer than 254 characters",
    ),
    4000: ("a@example.org,Ann,Lee,10101,ZZ,en", "“ZZ” is not a country code"),
    4500: ("b@example.org,Ann,Lee,10101,EU,en", "“EU” is not a country code"),
    5000: ("c@example.org,Ann,Lee,10101,ZM,xx-YY", "“xx-YY” is not a language code"),
    5500: ("no-at-sign.example.org,Ann,Lee,10101,ZM,en", "is not an e-mail address"),
    6000: ("d@example.org,Ann\x7f,Lee,10101,ZM,en", "invisible control characters"),
    6500: ("e@example.org,Ann,Lee,10101\x1b,ZM,en", "invisible control characters"),
    7000: ("f @example.org,Ann,Lee,10101,ZM,en", "is not an e-mail address"),
    7500: ("g@example.org," + "A" * 201 + ",Lee,10101,ZM,en", "The first name is longer than 200 characters"),
    8000: ("h@example.org,Ann,Lee,10101,ZM,en" + ",x" * 3, "more values than the first row has columns"),
    9000: ("i@example.org,Ann,Lee,10101,Zambiaa,en", "“Zambiaa” is not a country code"),
}
REPEATS = {5001: 11, 6001: 12, 9001: 13}  # a line repeating the address of another line (its file line)


def _line(n: int) -> str:
    """The good row on the file's line ``n`` (the header is line 1); a few repeat earlier addresses,
    differently written, and fill in what the first one left empty."""
    if n in BAD_ROWS:
        return BAD_ROWS[n][0]
    if n in REPEATS:
        first = REPEATS[n]
        return f"  Person{first}@Example.ORG ,Someone,Else,ZP{n},GB,es"
    postcode = "" if n % 10 == 1 else f"ZP{n}"  # lines 11, 21…: no postcode (a repeat gives one)
    country = "Zambia" if n % 7 == 0 else "zm"
    return f"person{n}@example.org,First{n},Last{n},{postcode},{country},EN"


def ten_thousand_rows() -> str:
    return "\r\n".join([ACTION_NETWORK, *(_line(n) for n in range(2, 10_002))]) + "\r\n"


def test_ten_thousand_rows_with_twenty_bad_ones_imported_then_imported_again_changing_nothing(app, fia):
    client, ids = fia
    with app.app_context():
        # Already in the alliance: one with a name and no postcode, one who withdrew from the chapter,
        # one on the suppression list (unsubscribed from everything).
        kept = PersonFactory(tree_id=ids["alliance"], email="person20@example.org", name="Mwila Banda")
        withdrew = PersonFactory(tree_id=ids["alliance"], email="person30@example.org", name="Chanda")
        record_consent(
            withdrew, ConsentSubject.COALITION, ids["chapter"], given=False, source="unsubscribe link"
        )
        suppress("Person40@example.org", SuppressionReason.UNSUBSCRIBED)
        db.session.commit()
        kept_id, withdrew_id = kept.id, withdrew.id

    columns = upload(client, ten_thousand_rows())
    assert columns.status_code == 200
    assert columns.headers["Cache-Control"] == "private, no-store"
    assert chosen_columns(columns) == {
        "Column “email”": "email",
        "Column “first_name”": "first_name",
        "Column “last_name”": "last_name",
        "Column “zip_code”": "postcode",
        "Column “country”": "country",
        "Column “language”": "language",
    }, "Action Network's columns are guessed"
    found = problems(columns)
    assert sorted(found) == sorted(BAD_ROWS), "each bad row named by its line, and no other"
    for line, (_row, message) in BAD_ROWS.items():
        assert message in found[line], (line, found[line])
    page = text_of(columns)
    assert "10,000 rows in the file." in page
    assert "3 rows repeat the address of an earlier row: merged into it." in page
    assert "20 rows have a problem and will be left out." in page
    assert "9,977 people to import." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 2, (
            "nothing written by the preview"
        )

    done = state_consent(client, columns, AGREED)
    assert done.status_code == 200
    assert figures(done) == {
        "rows": 10_000,
        "created": 9_974,
        "merged": 1,  # person20: a postcode, country and language added, and the consent
        "unchanged": 0,
        "suppressed": 1,
        "withdrawn": 1,
        "repeated": 3,
        "errors": 20,
    }
    assert "Yes, keep me updated about the Fair Tax campaign by e-mail." in text_of(done)

    everyone = people(app, ids["alliance"])
    assert len(everyone) == 2 + 9_974
    assert "person40@example.org" not in everyone, "the unsubscribed address is not added back"
    assert everyone["person20@example.org"].name == "Mwila Banda", "what a person gave is never overwritten"
    assert (everyone["person20@example.org"].postcode, everyone["person20@example.org"].country) == (
        "ZP20",
        "ZM",
    )
    assert everyone["person20@example.org"].language == "en"
    eleven = everyone["person11@example.org"]
    assert (eleven.name, eleven.postcode, eleven.country) == ("First11 Last11", "ZP5001", "ZM"), (
        "a repeated address fills what its first row left empty, and changes nothing else"
    )
    assert everyone["person14@example.org"].country == "ZM", "a country by its name"
    events = ledger(app, ids["chapter"])
    stated = [e for e in events if e[1]]
    midnight = datetime(2025, 3, 31, tzinfo=UTC)
    assert len(stated) == 9_975, "the created and the merged have the stated consent"
    assert {(w, s) for _e, _g, w, s, _c in stated} == {(WORDING, WHERE)}
    assert {c.replace(tzinfo=UTC) if c.tzinfo is None else c for *_rest, c in stated} == {midnight}
    assert "person30@example.org" not in {e[0] for e in stated}, "a withdrawn consent is never flipped back"
    with app.app_context():
        granted = db.session.scalars(
            select(ConsentState.granted).where(
                ConsentState.person_id == withdrew_id, ConsentState.subject_id == ids["chapter"]
            )
        ).all()
        assert granted == [False]
        assert db.session.get(Person, kept_id).name == "Mwila Banda"

    # The same file again: nothing changes.
    again = state_consent(client, upload(client, ten_thousand_rows()), AGREED)
    assert figures(again) == {
        "rows": 10_000,
        "created": 0,
        "merged": 0,
        "unchanged": 9_975,
        "suppressed": 1,
        "withdrawn": 1,
        "repeated": 3,
        "errors": 20,
    }
    assert len(people(app, ids["alliance"])) == 2 + 9_974
    assert len(ledger(app, ids["chapter"])) == len(events), "no consent recorded twice"

    log = text_of(client.get("/coalitions/fia-zambia/supporters/import"))
    assert log.count("supporters.csv") == 2, "both imports are in the log"
    assert "Agreed: “Yes, keep me updated about the Fair Tax campaign by e-mail.”, Action Network form" in log


# ---- the columns, the consent, who is left out ----------------------------------------------------------

MAILCHIMP = "Email Address,First Name,Last Name,CC,REGION,Notes\n"


def save_columns(client, page, choices: dict[str, str]):
    """Send the columns form of ``page`` with some of its choices changed (by label)."""
    html = page.get_data(as_text=True)
    labels = dict(re.findall(r'<label for="(column_\d+)">(.*?)</label>', html))
    data = {name: chosen_columns(page)[unescape(label)] for name, label in labels.items()}
    data.update(
        {name: choices[unescape(label)] for name, label in labels.items() if unescape(label) in choices}
    )
    url = re.search(r"/coalitions/[^\"]+/columns", html).group(0)
    return client.post(url, data={"csrf_token": csrf_token(html), **data}, follow_redirects=True)


def test_the_columns_are_guessed_and_can_be_changed_but_never_to_something_unclear(app, fia):
    client, _ids = fia
    page = upload(client, MAILCHIMP + "ann@example.org,Ann,Lee,zm,Lusaka,met at the march\n")
    assert chosen_columns(page) == {
        "Column “Email Address”": "email",
        "Column “First Name”": "first_name",
        "Column “Last Name”": "last_name",
        "Column “CC”": "country",
        "Column “REGION”": "region",
        "Column “Notes”": "ignore",
    }, "Mailchimp's columns are guessed"
    assert "met at the march" in text_of(page), "the first rows are shown as they are"

    for choices, message in [
        ({"Column “Notes”": "email"}, "Another column is already the e-mail address."),
        ({"Column “Notes”": "name"}, "Choose a full name column, or first and last name columns: not both."),
        ({"Column “Email Address”": "ignore"}, "Choose the column that holds the e-mail addresses."),
        ({"Column “Notes”": "nickname"}, "Not a valid choice"),
    ]:
        refused = save_columns(client, page, choices)
        assert refused.status_code == 200 and message in text_of(refused), choices
        assert text_of(refused).startswith("Error:")
    assert (
        chosen_columns(client.get(re.search(r"/coalitions/\S+/columns", page.request.url).group(0)))[
            "Column “Notes”"
        ]
        == "ignore"
    ), "nothing refused was saved"

    changed = save_columns(
        client, page, {"Column “First Name”": "name", "Column “Last Name”": "ignore", "Column “CC”": "ignore"}
    )
    assert "Columns saved" in text_of(changed)
    assert chosen_columns(changed)["Column “First Name”"] == "name"
    done = state_consent(client, changed, NOT_AGREED)
    assert figures(done)["created"] == 1
    ann = people(app, _ids["alliance"])["ann@example.org"]
    assert (ann.name, ann.country, ann.region) == ("Ann", None, "Lusaka")


def test_without_consent_people_are_imported_with_none_recorded(app, fia):
    client, ids = fia
    columns = upload(client, MAILCHIMP + "ann@example.org,Ann,Lee,zm,,\nben@example.org,Ben,Ode,GB,,\n")
    done = state_consent(client, columns, NOT_AGREED)
    assert figures(done)["created"] == 2
    assert "No consent to be mailed" in text_of(done)
    assert set(people(app, ids["alliance"])) == {"ann@example.org", "ben@example.org"}
    assert ledger(app, ids["chapter"]) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConsentState)) == 0
    listed = text_of(client.get("/coalitions/fia-zambia/supporters"))
    assert "ann@example.org" in listed and "ben@example.org" in listed, "the chapter sees whom it brought in"


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Say whether they agreed to hear from you"]),
        ({"stated_consent": "given"}, ["Say this: it is recorded for each of them, as you write it"] * 3),
        ({**AGREED, "agreed_on": "2999-01-01"}, ["Enter a year from 2000 to 2099"]),
        ({**AGREED, "agreed_on": "2090-01-01"}, ["Choose today or an earlier date"]),
        ({**AGREED, "agreed_on": "2025-02-30"}, ["Enter a real date, like 2027-03-31"]),
        ({**AGREED, "agreed_where": "x" * 201}, ["Field cannot be longer than 200 characters."]),
        ({**AGREED, "wording": "Yes\x00"}, ["This had invisible control characters in it."]),
        (
            {**NOT_AGREED, "wording": WORDING},
            ["You said they did not agree: leave this empty, or choose “Yes”"],
        ),
        ({"stated_consent": "maybe"}, ["Say whether they agreed to hear from you"]),
    ],
)
def test_the_consent_is_stated_in_full_or_refused_next_to_its_field(app, fia, data, messages):
    client, ids = fia
    columns = upload(client, ACTION_NETWORK + "\nann@example.org,Ann,Lee,,ZM,en\n")
    refused = state_consent(client, columns, data)
    page = text_of(refused)
    assert page.startswith("Error:"), page[:300]
    for message in messages:
        assert page.count(message) >= messages.count(message) + 1, (message, page)  # summary and field
    assert people(app, ids["alliance"]) == {}, "nothing imported"


def test_the_unsubscribed_the_bounced_and_the_erased_are_not_imported_again(app, fia):
    from organiser.messaging.models import BounceKind
    from organiser.messaging.services.suppression import record_bounce, unsubscribe
    from organiser.privacy.services import erase_person

    client, ids = fia
    with app.app_context():
        for email in ("gone@example.org", "left@example.org", "bounced@example.org"):
            PersonFactory(tree_id=ids["alliance"], email=email)
        erase_person(_person("gone@example.org"), requested_by="person")
        unsubscribe(
            _person("left@example.org"),
            ConsentSubject.COALITION,
            ids["chapter"],
            everything=True,
            source="link",
        )
        record_bounce("bounced@example.org", BounceKind.HARD, detail="550 no such user")
        db.session.commit()
    rows = ["Gone@Example.org", "left@example.org", " BOUNCED@example.org", "new@example.org"]
    done = state_consent(client, upload(client, "email\n" + "\n".join(rows) + "\n"), AGREED)
    assert figures(done) | {"rows": 4} == {
        "rows": 4,
        "created": 1,
        "merged": 0,
        "unchanged": 0,
        "suppressed": 3,
        "withdrawn": 0,
        "repeated": 0,
        "errors": 0,
    }
    assert set(people(app, ids["alliance"])) == {"left@example.org", "bounced@example.org", "new@example.org"}
    assert [e[0] for e in ledger(app, ids["chapter"]) if e[1]] == ["new@example.org"]


def _person(email: str) -> Person:
    return db.session.scalar(select(Person).where(Person.email == email))


def test_an_import_is_seen_only_through_its_own_coalition(app, fia):
    client, _ids = fia
    columns = upload(client, "email\nann@example.org\n")
    url = re.search(r"/coalitions/fia-zambia/supporters/imports/(\d+)/columns", columns.request.url)
    with app.app_context():
        CoalitionFactory(name="FIA Mexico", slug="fia-mexico", country="MX")
        db.session.commit()
    for path in ("columns", "consent", ""):
        other = f"/coalitions/fia-mexico/supporters/imports/{url.group(1)}/{path}".rstrip("/")
        assert client.get(other).status_code == 403, "another chapter's pages"
        own = f"/coalitions/fia-zambia/supporters/imports/{int(url.group(1)) + 1000}/{path}".rstrip("/")
        assert client.get(own).status_code == 404


# ---- an import that stopped, drafts left behind, a real worker ------------------------------------------


def test_an_import_that_stopped_is_handed_out_again_and_goes_on_from_where_it_was(app, fia):
    """Its worker was killed after the first batch committed: the sweep finds it stalled, and the
    job imports the rest (the people of the batch already done are not looked at again)."""
    from organiser.coalitions.models import ImportStatus, SupporterImport
    from organiser.coalitions.services import people_import

    client, ids = fia
    columns = upload(client, "email,name\n" + "".join(f"p{n}@example.org,P{n}\n" for n in range(5)))
    import_id = int(re.search(r"/imports/(\d+)/", columns.request.url).group(1))
    with app.app_context():
        imp = db.session.get(SupporterImport, import_id)
        imp.status, imp.consent_given, imp.started_at = (
            ImportStatus.RUNNING,
            False,
            datetime(2026, 1, 1, tzinfo=UTC),
        )
        imp.handled, imp.created = 2, 2  # p0 and p1, as if written by the batch that committed
        imp.progressed_at = datetime(2026, 1, 1, tzinfo=UTC)
        people_import.sweep_imports()
        db.session.commit()  # the job is handed out after the commit (here: run in-process)
    done = client.get(f"/coalitions/fia-zambia/supporters/imports/{import_id}")
    assert "Done" in text_of(done)
    assert figures(done)["created"] == 5
    assert set(people(app, ids["alliance"])) == {"p2@example.org", "p3@example.org", "p4@example.org"}


def test_a_file_never_imported_is_deleted_after_a_day(app, fia):
    from organiser.coalitions.models import SupporterImport
    from organiser.coalitions.services import people_import

    client, _ids = fia
    upload(client, "email\nann@example.org\n")
    upload(client, "email\nben@example.org\n")
    with app.app_context():
        first, second = db.session.scalars(select(SupporterImport).order_by(SupporterImport.id)).all()
        first.created_at = datetime(2026, 1, 1, tzinfo=UTC)
        people_import.sweep_imports()
        db.session.commit()
        assert db.session.scalars(select(SupporterImport.id)).all() == [second.id]
    log = text_of(client.get("/coalitions/fia-zambia/supporters/import"))
    assert "Not imported yet (the file is deleted after a day)" in log


@pytest.mark.worker
def test_a_large_import_waits_for_a_worker_with_its_progress_shown_then_runs_on_it(live, request):
    """With Redis, the import is an RQ job: the page shows it waiting (a progress bar, refreshed
    without script); a worker then imports the file in batches."""
    from organiser.coalitions.services import people_import

    with live.app_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", country="ZM")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@fia-zambia.example")
        db.session.commit()
        tree = zambia.id
    client = live.test_client()
    assert sign_in(client, "coord@fia-zambia.example", PASSWORD).status_code == 302
    rows = "".join(f"w{n}@example.org,W{n},ZM\n" for n in range(3 * people_import.BATCH + 7))
    waiting = state_consent(client, upload(client, "email,name,country\n" + rows), AGREED)
    html = waiting.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="5">' in html
    assert re.search(r'<progress id="p-handled" max="1507" value="0">', html)
    assert "Waiting" in text_of(waiting) and "0 of 1,507 people handled" in text_of(waiting)

    request.getfixturevalue("rq_worker")  # a worker starts now
    page = waiting
    for _ in range(120):
        page = client.get(waiting.request.path)
        if "Done" in text_of(page):
            break
        time.sleep(0.5)
    assert "Done" in text_of(page) and "http-equiv" not in page.get_data(as_text=True)
    assert figures(page)["created"] == 1507
    assert len(people(live, tree)) == 1507
    assert len(ledger(live, tree)) == 1507
