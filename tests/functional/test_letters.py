"""Letter-writing: a coordinator sets up a campaign through the forms; a writer writes, confirms
through the e-mailed link, and each decision-maker receives the letter once (Reply-To the writer);
bad input, the honeypot and rate limits; coordinators' pages with the wrong roles; the export and
responses; erasure that leaves nothing personal, and the total as it was; retention."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from organiser.actions.letters.models import Letter, LetterCampaign, LetterStatus
from organiser.actions.targets.models import Target
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import OutboxMessage
from organiser.models import metadata
from organiser.people.models import ConsentEvent, Person
from organiser.privacy import services as privacy
from organiser.privacy.models import DataExport
from tests.factories import PASSWORD, CoalitionFactory, OrganisationFactory, TargetFactory, user_with_role
from tests.helpers import body_of, csrf_token, links_in, path_of, sign_in, submit, text_of

SLUG = "essentials-letter"
WRITER = {
    "name": "Grace Hughes",
    "email": "Grace.Hughes@example.org",
    "region": "LS1 4AP",
    "country": "GB",
    "subject": "Guarantee the essentials",
    "body": "I am writing because my family cannot cover food and bills. Please act now.",
    "consent_coalition": "y",
}


@pytest.fixture
def sia(app):
    """SIA with its coordinator and decision-makers; another coalition's coordinator; an
    organisation's admin. Returns the signed-in coordinator's client."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        other = CoalitionFactory(slug="other")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        org = OrganisationFactory(slug="equality-trust")
        user_with_role(Role.ORGANISATION_ADMIN, org.id, email="orgadmin@example.org")
        for name, region, email in (
            ("Rachel Reeves", "", "chancellor@treasury.example"),
            ("Liz Kendall", "", "minister@dwp.example"),
            ("Ann Lee", "Leeds Central", "ann@parliament.example"),
            ("Bob Roe", "York", "bob@parliament.example"),
            ("Cat Dee", "leeds  central", "cat@council.example"),
        ):
            TargetFactory(coalition_id=sia.id, name=name, region=region, email=email)
        db.session.commit()
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.org", PASSWORD)
    return coordinator


def _target_ids(app, *names: str) -> list[str]:
    with app.app_context():
        return [str(db.session.scalar(select(Target.id).where(Target.name == name))) for name in names]


def _campaign(app, coordinator, *, slug: str = SLUG, mode: str = "fixed", targets: tuple[str, ...] = ()):
    created = submit(
        coordinator,
        "/coalitions/sia/letters/new",
        {
            "title": "Tell the Treasury: guarantee the essentials",
            "slug": slug,
            "intro": "Universal Credit does not cover life's essentials.",
            "subject": "Guarantee the essentials",
            "body": "Please introduce an essentials guarantee in Universal Credit.",
            "target_mode": mode,
            "targets": _target_ids(app, *targets),
        },
    )
    assert created.status_code == 302 and created.location == f"/letters/{slug}", text_of(created)
    assert app.test_client().get(f"/letters/{slug}").status_code == 404, "a draft is not public"
    page = coordinator.get(f"/letters/{slug}").get_data(as_text=True)
    opened = coordinator.post(
        f"/letters/{slug}/open", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "The campaign is open for letters" in text_of(opened)


def _total(client, slug: str = SLUG) -> str:
    page = text_of(client.get(f"/letters/{slug}"))
    return page.split(" sent so far")[0].rsplit(" ", 2)[-2]


def _write_and_confirm(app, mail, slug: str = SLUG, **changes: str):
    mail.clear()
    visitor = app.test_client()
    visitor.post(f"/letters/{slug}/write", data={**WRITER, **changes})
    [message] = mail.wait_for(1)
    visitor.post(path_of(links_in(message)[0]))
    return visitor


def test_write_confirm_and_each_decision_maker_gets_the_letter_once(app, sia, mail):
    _campaign(app, sia, targets=("Rachel Reeves", "Liz Kendall"))
    visitor = app.test_client()
    page = visitor.get(f"/letters/{SLUG}")
    html = page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers and 'name="csrf_token"' not in html, "cacheable, no session"
    assert page.headers["Cache-Control"].startswith("public")
    shown = text_of(page)
    assert "Rachel Reeves" in shown and "Liz Kendall" in shown and "Ann Lee" not in shown
    assert "0 letters sent so far" in shown and "Please introduce an essentials guarantee" in html
    assert "chancellor@treasury.example" not in html, "targets' addresses are never shown"
    assert 'name="consent_coalition" type="checkbox" value="y">' in html, "not ticked"

    sent = visitor.post(f"/letters/{SLUG}/write", data=WRITER)
    assert "check your e-mail" in text_of(sent).lower() and "Set-Cookie" not in sent.headers
    [confirmation] = mail.wait_for(1)
    assert confirmation["To"] == "grace.hughes@example.org"
    [link] = links_in(confirmation)

    confirm_page = text_of(visitor.get(path_of(link)))
    assert "Confirm and send my letter" in confirm_page and "my family cannot cover food" in confirm_page
    assert _total(visitor) == "0" and len(mail.messages) == 1, "a scanner's GET changes nothing"
    with app.app_context():
        assert {x.status for x in db.session.scalars(select(Letter))} == {LetterStatus.PENDING}

    thanks = visitor.post(path_of(link))
    assert "your letter is on its way" in text_of(thanks) and "2 letters have been sent" in text_of(thanks)
    letters = mail.wait_for_to("chancellor@treasury.example") + mail.wait_for_to("minister@dwp.example")
    for message in letters:
        assert message["Reply-To"] == "grace.hughes@example.org"
        assert "no-reply@organiser.test" in message["From"] and message["Subject"] == WRITER["subject"]
        assert message["Bcc"] is None and message["Cc"] is None
        body = body_of(message)
        assert (
            "my family cannot cover food and bills" in body
            and "Yours sincerely,\nGrace Hughes\nLS1 4AP" in body
        )
    assert body_of(letters[0]).startswith("Dear Rachel Reeves,")
    recipients = sorted(rcpt for _from, rcpts in mail.envelopes for rcpt in rcpts)
    assert recipients == ["chancellor@treasury.example", "grace.hughes@example.org", "minister@dwp.example"]
    assert _total(visitor) == "2"

    mail.clear()
    assert "on its way already" in text_of(visitor.post(path_of(link))), "a second click sends nothing"
    again = visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "body": "Writing a second time, again."})
    # Writing again is not an error, and the page answers as to anyone (tests/functional/
    # test_public_forms.py compares them): only the mailbox is told the letter went already.
    assert "One more step: check your e-mail" in text_of(again) and "already" not in text_of(again)
    [told] = mail.wait_for(1)
    assert told["To"] == "grace.hughes@example.org" and _total(visitor) == "2"
    assert told["Subject"].startswith("Your letter is on its way already")
    with app.app_context():
        assert db.session.scalar(select(text("count(*)")).select_from(Letter)) == 2
        [event] = db.session.scalars(select(ConsentEvent)).all()
        assert event.given and "Structural Inequalities Alliance" in event.wording
        assert event.source == f"letters:{SLUG}"
        person = db.session.scalar(select(Person))
        assert (person.name, person.region, person.country) == ("Grace Hughes", "LS1 4AP", "GB")

    report = text_of(sia.get(f"/letters/{SLUG}/sent"))
    assert "Rachel Reeves 1 1 0 0" in report and "Liz Kendall 1 1 0 0" in report
    with app.app_context():
        assert {x.status for x in db.session.scalars(select(Letter))} == {LetterStatus.SENT}
        assert all(x.sent_at is not None for x in db.session.scalars(select(Letter)))


def test_pending_letters_get_their_link_again_a_few_times(app, sia, mail):
    _campaign(app, sia, targets=("Rachel Reeves",))
    visitor = app.test_client()
    for _ in range(4):
        visitor.post(f"/letters/{SLUG}/write", data=WRITER)
    assert len(mail.wait_for(3)) == 3
    with app.app_context():
        [letter] = db.session.scalars(select(Letter)).all()
        assert letter.status == LetterStatus.PENDING and letter.confirmation_sends == 3


def test_by_region_the_writer_chooses_and_the_letter_goes_to_that_regions_decision_makers(app, sia, mail):
    _campaign(app, sia, mode="region")
    visitor = app.test_client()
    page = text_of(visitor.get(f"/letters/{SLUG}"))
    assert "Your region or constituency" in page and "Leeds Central" in page and "York" in page
    assert "Postcode or region" not in page

    unknown = visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "constituency": "Atlantis"})
    assert "Choose your region or constituency from the list" in text_of(unknown)
    assert mail.messages == []
    _write_and_confirm(app, mail, constituency="Leeds Central")
    to_ann = mail.wait_for_to("ann@parliament.example")
    to_cat = mail.wait_for_to("cat@council.example")
    assert "Leeds Central" in body_of(to_ann[0]) and to_cat
    assert not [m for m in mail.messages if m["To"] == "bob@parliament.example"]
    with app.app_context():
        regions = set(db.session.scalars(select(Letter.region)))
        assert regions == {"Leeds Central"}


def test_bad_input_is_explained_next_to_each_field(app, sia, mail):
    _campaign(app, sia, targets=("Rachel Reeves",))
    visitor = app.test_client()
    bad = visitor.post(
        f"/letters/{SLUG}/write",
        data={**WRITER, "name": "", "email": "not-an-address", "subject": "x" * 301, "body": "Too short"},
    )
    assert bad.status_code == 200
    shown = text_of(bad)
    assert shown.startswith("Error:") and "There is a problem" in shown
    for message in (
        "Enter your name",
        "in the right format",
        "Use at most 300 characters",
        "Write at least 20 characters",
    ):
        assert message in shown
    assert 'id="body-error"' in bad.get_data(as_text=True)
    assert 'aria-describedby="body-hint body-error"' in bad.get_data(as_text=True)
    long = visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "body": "x" * 5001})
    assert "Use at most 5000 characters" in text_of(long)
    assert mail.messages == []

    empty = submit(
        sia, "/coalitions/sia/letters/new", {"title": "", "slug": "Not A Slug", "target_mode": "fixed"}
    )
    shown = text_of(empty)
    assert (
        "Enter a title" in shown
        and "Use lower-case letters" in shown
        and "Say why people should write" in shown
    )
    nobody = submit(
        sia,
        "/coalitions/sia/letters/new",
        {"title": "T", "slug": "no-one", "intro": "I", "subject": "S", "body": "B", "target_mode": "fixed"},
        follow=True,
    )
    page = nobody.get_data(as_text=True)
    refused = sia.post("/letters/no-one/open", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Choose who the letters go to first" in text_of(refused)
    taken = submit(
        sia,
        "/coalitions/sia/letters/new",
        {"title": "T", "slug": SLUG, "intro": "I", "subject": "S", "body": "B", "target_mode": "fixed"},
    )
    assert "Another letter campaign has this address already" in text_of(taken)


def test_the_honeypot_and_the_rate_limits_store_and_send_nothing(app, sia, mail, config_override):
    _campaign(app, sia, targets=("Rachel Reeves",))
    visitor = app.test_client()
    bot = visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "website": "http://spam.example"})
    assert "check your e-mail" in text_of(bot).lower()
    with app.app_context():
        assert db.session.scalars(select(Letter)).all() == []

    config_override(SIGN_IP_LIMIT="2 per minute")
    for n in range(3):
        answer = visitor.post(f"/letters/{SLUG}/write", data={**WRITER, "email": f"writer{n}@example.org"})
        assert "check your e-mail" in text_of(answer).lower(), "the same answer over the limit"
    assert len(mail.wait_for(2)) == 2
    with app.app_context():
        assert len(db.session.scalars(select(Letter)).all()) == 2, "the third one was not stored"
    assert mail.wait_for(2) and len(mail.messages) == 2

    config_override(SIGN_RATE_LIMIT="1 per minute")
    statuses = [visitor.post(f"/letters/{SLUG}/write", data=WRITER).status_code for _ in range(2)]
    assert statuses[-1] == 429


def _wrong_roles(app):
    clients = []
    for email in (None, "other@example.org", "orgadmin@example.org"):
        client = app.test_client()
        if email:
            sign_in(client, email, PASSWORD)
        clients.append((email, client))
    return clients


def test_wrong_roles_are_refused_on_every_coordinators_route(app, sia, mail):
    _campaign(app, sia, targets=("Rachel Reeves",))
    gets = [
        "/coalitions/sia/letters",
        "/coalitions/sia/letters/new",
        f"/letters/{SLUG}/sent",
        f"/letters/{SLUG}/letters.csv",
        f"/letters/{SLUG}/responses",
    ]
    posts = [
        "/coalitions/sia/letters/new",
        f"/letters/{SLUG}/open",
        f"/letters/{SLUG}/close",
        f"/letters/{SLUG}/responses",
    ]
    for email, client in _wrong_roles(app):
        expected = 403 if email else 302
        for path in gets:
            assert client.get(path).status_code == expected, (email, path)
        token = csrf_token(client.get("/account" if email else "/account/sign-in").get_data(as_text=True))
        for path in posts:
            response = client.post(path, data={"csrf_token": token, "title": "x", "slug": "intruder"})
            assert response.status_code == expected, (email, path)
    assert sia.get("/letters/no-such-campaign/sent").status_code == 404
    assert app.test_client().get("/letters/no-such-campaign").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(LetterCampaign.status)) == "open"
        assert db.session.scalar(select(LetterCampaign).where(LetterCampaign.slug == "intruder")) is None
    listed = text_of(sia.get("/coalitions/sia/letters"))
    assert "Tell the Treasury: guarantee the essentials" in listed and "Open · 0 letters" in listed
    assert "Letter campaigns" in text_of(sia.get("/coalitions/sia"))


def test_export_responses_and_closing(app, sia, mail):
    _campaign(app, sia, targets=("Rachel Reeves",))
    _write_and_confirm(app, mail, name="=SUM(A1:A9)")
    exported = sia.get(f"/letters/{SLUG}/letters.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert row["name"].startswith("'=SUM") and row["email"] == "grace.hughes@example.org"
    assert row["target"] == "Rachel Reeves" and row["status"] == "sent" and row["consent_coalition"] == "yes"
    with app.app_context():
        assert (
            db.session.scalar(select(DataExport.what))
            == "Letters of “Tell the Treasury: guarantee the essentials”"
        )

    no_text = submit(
        sia, f"/letters/{SLUG}/responses", {"target": _target_ids(app, "Rachel Reeves")[0], "text": ""}
    )
    assert "Write the response" in text_of(no_text)
    stranger = submit(
        sia, f"/letters/{SLUG}/responses", {"target": _target_ids(app, "Bob Roe")[0], "text": "Hi"}
    )
    assert "Not a valid choice" in text_of(stranger) or "Choose one of the people" in text_of(stranger)
    recorded = submit(
        sia,
        f"/letters/{SLUG}/responses",
        {
            "target": _target_ids(app, "Rachel Reeves")[0],
            "text": "We are reviewing Universal Credit.",
            "responded_on": "2026-11-20",
        },
        follow=True,
    )
    assert "The response is recorded" in text_of(recorded)
    public = text_of(app.test_client().get(f"/letters/{SLUG}"))
    assert "Responses Rachel Reeves" in public and "We are reviewing Universal Credit." in public

    page = sia.get(f"/letters/{SLUG}").get_data(as_text=True)
    sia.post(f"/letters/{SLUG}/close", data={"csrf_token": csrf_token(page)})
    visitor = app.test_client()
    assert "closed to new letters" in text_of(visitor.get(f"/letters/{SLUG}"))
    assert visitor.post(f"/letters/{SLUG}/write", data=WRITER).status_code == 409


def test_erasure_leaves_nothing_personal_and_the_total_as_it_was(app, sia, mail):
    _campaign(app, sia, targets=("Rachel Reeves", "Liz Kendall"))
    visitor = _write_and_confirm(app, mail, body="Private words: my son Tom was sanctioned in March.")
    mail.wait_for_to("minister@dwp.example")
    assert _total(visitor) == "2"
    with app.app_context():
        person = db.session.scalar(select(Person))
        privacy.erase_person(person, requested_by="person")
        db.session.commit()
    needles = ["grace.hughes@example.org", "Grace Hughes", "my son Tom", "LS1 4AP"]
    with app.app_context():
        for table in metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                flat = " ".join(str(v) for v in row).lower()
                assert not [n for n in needles if n.lower() in flat], f"still in {table.name}"
        letters = db.session.scalars(select(Letter)).all()
        assert len(letters) == 2 and all(x.person_id is None for x in letters)
        assert all(x.status in (LetterStatus.QUEUED, LetterStatus.SENT) for x in letters)
        carriers = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_([x.outbox_message_id for x in letters]))
        )
        assert all(m.body_text is None and m.headers == {} for m in carriers)
    exported = sia.get(f"/letters/{SLUG}/letters.csv").get_data(as_text=True)
    assert not [n for n in needles if n.lower() in exported.lower()] and len(exported.splitlines()) == 3
    assert _total(visitor) == "2", "the public total is unchanged"


def test_a_persons_own_data_lists_their_letters_and_retention_anonymises_what_is_due(app, sia, mail):
    _campaign(app, sia, targets=("Rachel Reeves",))
    _write_and_confirm(app, mail, consent_coalition="")
    with app.app_context():
        [data] = [privacy.person_data(p) for p in db.session.scalars(select(Person))]
        [letter] = data["actions"]["letters"]
        assert letter["to"] == "Rachel Reeves" and letter["body"] == WRITER["body"]

        campaign = db.session.scalar(select(LetterCampaign))
        campaign.status, campaign.closed_at = "closed", datetime(2025, 1, 10, tzinfo=UTC)
        campaign.coalition.retention_months = 12
        db.session.execute(
            text("UPDATE letters SET created_at = :at"), {"at": datetime(2025, 1, 5, tzinfo=UTC)}
        )
        [run] = privacy.run_retention(datetime(2026, 3, 1, tzinfo=UTC))
        assert run.counts["letters"] == 1
        [letter] = db.session.scalars(select(Letter)).all()
        assert (letter.name, letter.body, letter.ip, letter.person_id) == ("", "", "", None)
        assert db.session.scalar(select(LetterCampaign.letter_count)) == 1


def test_bad_links_and_refused_state_changes_explain_themselves(app, sia, mail):
    _campaign(app, sia, targets=("Rachel Reeves",))
    visitor = app.test_client()
    bad = visitor.get(f"/letters/{SLUG}/confirm/forged-token")
    assert bad.status_code == 404 and "This link does not work" in text_of(bad)
    assert visitor.post(f"/letters/{SLUG}/confirm/forged-token").status_code == 404
    page = sia.get(f"/letters/{SLUG}").get_data(as_text=True)
    again = sia.post(f"/letters/{SLUG}/open", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Only a draft can be opened" in text_of(again)

    visitor.post(f"/letters/{SLUG}/write", data=WRITER)
    [message] = mail.wait_for(1)
    sia.post(f"/letters/{SLUG}/close", data={"csrf_token": csrf_token(page)})
    closed = visitor.post(path_of(links_in(message)[0]))
    assert closed.status_code == 409 and "letters are no longer sent" in text_of(closed)
    refused = sia.post(f"/letters/{SLUG}/close", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Only an open campaign can be closed" in text_of(refused)
    with app.app_context():
        assert db.session.scalar(select(Letter.status)) == LetterStatus.PENDING
        assert db.session.scalar(select(LetterCampaign.letter_count)) == 0


def test_by_region_needs_decision_makers_with_a_region(app, sia, mail):
    with app.app_context():
        for target in db.session.scalars(select(Target)):
            target.region = ""
        db.session.commit()
    created = submit(
        sia,
        "/coalitions/sia/letters/new",
        {
            "title": "T",
            "slug": "regional",
            "intro": "I",
            "subject": "S",
            "body": "B",
            "target_mode": "region",
        },
        follow=True,
    )
    refused = sia.post(
        "/letters/regional/open",
        data={"csrf_token": csrf_token(created.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert "None of your decision-makers has a region or constituency yet" in text_of(refused)


def test_erasing_a_writer_whose_letter_is_still_waiting_cancels_it(app, sia, mail, config_override):
    from tests.services import free_port

    _campaign(app, sia, targets=("Rachel Reeves",))
    visitor = app.test_client()
    visitor.post(f"/letters/{SLUG}/write", data=WRITER)
    [message] = mail.wait_for(1)
    config_override(MAIL_PORT=free_port())  # the relay is down: the letter waits in the outbox
    visitor.post(path_of(links_in(message)[0]))
    with app.app_context():
        letter = db.session.scalar(select(Letter))
        carrier = db.session.get(OutboxMessage, letter.outbox_message_id)
        assert (letter.status, carrier.status) == (LetterStatus.QUEUED, "queued")
        privacy.erase_person(db.session.scalar(select(Person)), requested_by="person")
        db.session.commit()
        db.session.refresh(carrier)
        assert carrier.status == "cancelled" and carrier.body_text is None and carrier.headers == {}
    assert "Rachel Reeves 1 0 0 1" in text_of(sia.get(f"/letters/{SLUG}/sent")), "never sent: failed"
    assert _total(visitor) == "1"
