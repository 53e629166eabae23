"""Replies to letters: the writer asked once whether the decision-maker replied (a page with buttons
from the e-mailed link; one reminder at most; a second answer changes nothing), erasure, the
coordinators' report (median days, share, chart) and its CSV, the public responsiveness, and letter
writers as a mailing segment that respects consent."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select, update

from organiser.actions.letters.models import Letter
from organiser.actions.letters.replies.follow_ups import send_follow_ups
from organiser.actions.letters.replies.models import LetterFollowUp
from organiser.actions.letters.services import sync_statuses
from organiser.db import db, utcnow
from organiser.people.models import Person
from organiser.privacy import services as privacy
from organiser.privacy.models import DataExport
from tests.functional.test_letters import SLUG, _campaign, _write_and_confirm, sia  # noqa: F401
from tests.helpers import body_of, links_in, path_of, submit, text_of


def _sweep(app, days: float = 0) -> int:
    """The follow-up sweep, as if the clock showed ``days`` from now."""
    with app.app_context():
        sent = send_follow_ups(utcnow() + timedelta(days=days))
        db.session.commit()
    return sent


def _delivered(app, mail, *targets: str, **writer: str):
    """Write and confirm; wait until each target has the letter."""
    _write_and_confirm(app, mail, **writer)
    for address in targets:
        mail.wait_for_to(address)
    mail.clear()


def _follow_up_links(mail, to: str = "grace.hughes@example.org") -> list[str]:
    [message] = mail.wait_for_to(to)
    return [path_of(link) for link in links_in(message)]


def _answers(app) -> list[tuple[str | None, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(LetterFollowUp.answer, LetterFollowUp.summary).order_by(LetterFollowUp.id)
        )
        return [tuple(row) for row in rows]


def test_the_follow_up_goes_once_and_its_first_answer_counts(app, sia, mail):  # noqa: F811
    _campaign(app, sia, targets=("Rachel Reeves", "Liz Kendall"))
    _delivered(app, mail, "chancellor@treasury.example", "minister@dwp.example")
    assert _sweep(app, 13) == 0 and not mail.messages, "not before 14 days"
    assert _sweep(app, 14.01) == 1, "one e-mail for both letters"
    [message] = mail.wait_for(1)
    assert message["To"] == "grace.hughes@example.org"
    assert message["Subject"] == "Did they reply to your letter? Tell the Treasury: guarantee the essentials"
    assert "Rachel Reeves:" in body_of(message) and "Liz Kendall:" in body_of(message)
    kendall, reeves = _follow_up_links(mail)  # by name
    assert _sweep(app, 15) == 0 and _sweep(app, 40) == 0, "never twice"

    visitor = app.test_client()
    page = visitor.get(reeves)
    assert page.status_code == 200 and "Did Rachel Reeves reply?" in text_of(page)
    assert "Set-Cookie" not in page.headers
    assert _answers(app) == [(None, ""), (None, "")], "a GET (a mail scanner) changes nothing"

    said = "She wrote back: the Treasury is reviewing the essentials guarantee."
    answered = visitor.post(
        reeves, data={"answer": "yes", "summary": said, "may_share": "y", "replied_on": ""}
    )
    assert "Thank you for telling us" in text_of(answered) and said in text_of(answered)
    again = visitor.post(reeves, data={"answer": "no"})
    assert "You have answered already" in text_of(again) and "Yes, they replied" not in again.get_data(
        as_text=True
    )
    assert _answers(app)[1] == ("yes", said), "a second answer changes nothing"  # Kendall, Reeves

    # "not yet": one reminder later, once; its answer counts, a third does not.
    visitor.post(kendall, data={"answer": "not_yet"})
    assert _sweep(app, 13) == 0, "the reminder waits 14 days after the answer"
    mail.clear()
    assert _sweep(app, 14.5) == 1
    [reminder] = mail.wait_for(1)
    assert reminder["Subject"].startswith("Reminder: did they reply") and "Liz Kendall:" in body_of(reminder)
    assert _sweep(app, 40) == 0, "one reminder at most"
    [link] = links_in(reminder)
    assert "Did Liz Kendall reply?" in text_of(visitor.get(path_of(link)))
    visitor.post(path_of(link), data={"answer": "no"})
    visitor.post(path_of(link), data={"answer": "yes", "summary": "Changed my mind"})
    assert _answers(app)[0] == ("no", "")

    report = text_of(sia.get(f"/letters/{SLUG}/report"))
    assert "2 letters confirmed by their writers. 1 writer told us the decision-maker replied." in report
    assert "Rachel Reeves 1 1 0 1 0 0 1 1 100 % 0" in report and "Liz Kendall 1 1 0 1 0 0 1 0 0 % –" in report
    assert said in report, "shared with the coalition, without the writer's name"


def test_bad_answers_and_links_change_nothing(app, sia, mail):  # noqa: F811
    _campaign(app, sia, targets=("Rachel Reeves",))
    _delivered(app, mail, "chancellor@treasury.example")
    _sweep(app, 15)
    [link] = _follow_up_links(mail)
    visitor = app.test_client()
    refused = visitor.post(link, data={"answer": "maybe"})
    assert "Choose one of the buttons" in text_of(refused)
    too_long = visitor.post(link, data={"answer": "yes", "summary": "x" * 1001})
    assert "Use at most 1000 characters" in text_of(too_long)
    future = visitor.post(link, data={"answer": "yes", "replied_on": "2999-01-01"})
    assert future.status_code == 200 and _answers(app) == [(None, "")]
    assert visitor.get(link[:-3] + "abc").status_code == 404
    assert visitor.get(link.replace(SLUG, "other-campaign")).status_code == 404


def test_erased_writers_are_not_asked_and_their_answers_are_blanked(app, sia, mail):  # noqa: F811
    _campaign(app, sia, targets=("Rachel Reeves",))
    _delivered(app, mail, "chancellor@treasury.example")
    _delivered(app, mail, "chancellor@treasury.example", name="Omar Said", email="omar@example.org")
    with app.app_context():
        privacy.erase_person(
            db.session.scalar(select(Person).where(Person.email == "grace.hughes@example.org")),
            requested_by="person",
        )
        db.session.commit()
    assert _sweep(app, 15) == 1
    [link] = _follow_up_links(mail, "omar@example.org")
    assert [m["To"] for m in mail.messages] == ["omar@example.org"], "the erased writer gets nothing"
    app.test_client().post(link, data={"answer": "yes", "summary": "Omar's private note", "may_share": "y"})
    with app.app_context():
        privacy.erase_person(db.session.scalar(select(Person)), requested_by="person")
        db.session.commit()
        [follow_up] = db.session.scalars(select(LetterFollowUp))
        assert (follow_up.person_id, follow_up.answer, follow_up.summary, follow_up.may_share) == (
            None,
            None,
            "",
            False,
        )
    assert app.test_client().get(link).status_code == 404, "the link dies with the data"
    assert _sweep(app, 40) == 0
    assert "Omar's private note" not in text_of(sia.get(f"/letters/{SLUG}/report"))


def test_report_figures_median_days_csv_and_public_responsiveness(app, sia, mail):  # noqa: F811
    _campaign(app, sia, targets=("Rachel Reeves", "Liz Kendall"))
    writers = [("Ann One", "ann@example.org"), ("Bo Two", "bo@example.org"), ("Cy Three", "cy@example.org")]
    for name, email in writers:
        _delivered(
            app,
            mail,
            "chancellor@treasury.example",
            "minister@dwp.example",
            name=name,
            email=email,
            region='=HYPERLINK("http://evil")' if email.startswith("cy") else "Leeds",
        )
    sent = utcnow() - timedelta(days=20)
    with app.app_context():
        sync_statuses()  # delivered: "sent", with the time; then the clock is moved on 20 days
        db.session.execute(update(Letter).values(sent_at=sent))
        db.session.commit()
    _sweep(app)
    links = {email: _follow_up_links(mail, email) for _name, email in writers}  # [Kendall, Reeves] each
    day = sent.date()
    answers = [
        ("ann@example.org", 1, {"answer": "yes", "replied_on": (day + timedelta(days=3)).isoformat()}),
        ("bo@example.org", 1, {"answer": "yes", "replied_on": (day + timedelta(days=10)).isoformat()}),
        ("cy@example.org", 1, {"answer": "no"}),
        ("ann@example.org", 0, {"answer": "not_yet"}),
    ]
    for email, which, data in answers:
        app.test_client().post(links[email][which], data=data)

    page = sia.get(f"/letters/{SLUG}/report")
    shown = text_of(page)
    # letters, in their own words, copies of the suggestion, delivered, waiting, failed, answered, …
    assert "Rachel Reeves 3 3 0 3 0 0 3 2 67 % 6.5 –" in shown, shown
    assert "Liz Kendall 3 3 0 3 0 0 1 0 0 % – –" in shown
    assert "Leeds 4 4 0 4 0 0 3 2 67 % 6.5" in shown
    assert '=HYPERLINK("http://evil") 2 2 0 2 0 0 1 0 0 % –' in shown
    html = page.get_data(as_text=True)
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
        and "The highest share is 67 %" in html
    )

    exported = sia.get(f"/letters/{SLUG}/report.csv")
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-report.csv"'
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    reeves = next(r for r in rows if r["name"] == "Rachel Reeves")
    assert (reeves["letters"], reeves["replied"], reeves["replied_share_percent"]) == ("3", "2", "67")
    assert (reeves["personal"], reeves["unedited"]) == ("3", "0"), "each written in the writer's own words"
    assert reeves["median_days_to_reply"] == "6.5"
    assert any(r["name"].startswith("'=HYPERLINK") for r in rows), "formula-safe"
    assert rows[-1]["breakdown"] == "total" and rows[-1]["letters"] == "6"
    with app.app_context():
        assert db.session.scalar(select(DataExport.what).order_by(DataExport.id.desc())).startswith(
            "Report of"
        )
    letters = list(
        csv.DictReader(io.StringIO(sia.get(f"/letters/{SLUG}/letters.csv").get_data(as_text=True)))
    )
    ann = {r["target"]: r for r in letters if r["email"] == "ann@example.org"}
    assert (ann["Rachel Reeves"]["reply"], ann["Rachel Reeves"]["replied_on"]) == (
        "yes",
        (day + timedelta(days=3)).isoformat(),
    ), "each letter's row says what its writer answered"
    assert ann["Liz Kendall"]["reply"] == "not_yet" and ann["Liz Kendall"]["kind"] == "personal"

    public = app.test_client()
    assert "Who replied to the letters" not in text_of(public.get(f"/letters/{SLUG}"))
    done = submit(sia, f"/letters/{SLUG}/responsiveness", {"show": "y"}, page=f"/letters/{SLUG}/report")
    assert done.status_code == 302
    campaign_page = text_of(public.get(f"/letters/{SLUG}"))
    assert "Rachel Reeves 2 of 3 writers heard back · median 6.5 days to a reply" in campaign_page
    assert "Liz Kendall 0 of 1 writer heard back" in campaign_page
    submit(sia, f"/letters/{SLUG}/responsiveness", {}, page=f"/letters/{SLUG}/report")
    assert "Who replied to the letters" not in text_of(public.get(f"/letters/{SLUG}"))


def test_letter_writers_are_a_segment_that_respects_consent(app, sia, mail):  # noqa: F811
    _campaign(app, sia, targets=("Rachel Reeves",))
    _delivered(app, mail, "chancellor@treasury.example")  # Grace ticks the box
    _delivered(
        app, mail, "chancellor@treasury.example", name="Omar", email="omar@example.org", consent_coalition=""
    )
    form = sia.get("/coalitions/sia/mailings/new").get_data(as_text=True)
    assert "People who wrote a letter in “Tell the Treasury: guarantee the essentials”" in form
    created = submit(
        sia,
        "/coalitions/sia/mailings/new",
        {
            "subject": "Thank you for writing",
            "from_name": "",
            "reply_to": "",
            "segments": '{"kind": "letter_writers", "params": {}}',
            "body_markdown": "Hello {{ name }}, thank you.",
        },
    )
    assert created.status_code == 302, text_of(created)
    assert "1 person will get it" in text_of(sia.get(created.location))
    mailing_id = created.location.rsplit("/", 1)[1]
    submit(sia, f"/mailings/{mailing_id}/start", {}, page=created.location)
    [message] = mail.wait_for(1)
    assert message["To"].addresses[0].addr_spec == "grace.hughes@example.org"
    assert "Omar" not in str(message["To"])


def test_the_registered_sweep_asks_in_the_embedded_default(app, sia, mail, config_override):  # noqa: F811
    """The sweep every worker and the embedded sweeper run; the delay set by configuration."""
    from organiser.worker import sweep_once

    config_override(LETTER_FOLLOW_UP_DAYS=0)
    _campaign(app, sia, targets=("Rachel Reeves",))
    _delivered(app, mail, "chancellor@treasury.example")
    sweep_once(app)
    [link] = _follow_up_links(mail)
    sweep_once(app)
    assert len(mail.messages) == 1, "asked once"
    assert "Did Rachel Reeves reply?" in text_of(app.test_client().get(link))
