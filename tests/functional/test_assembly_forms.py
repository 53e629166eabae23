"""Assemblies, finished (issue 13, part one), through the forms as organisers and registrants use them:
the organisers' own registration questions, structured access needs counted for planning, agenda
speakers in the public programme, the closing report with its attendance, the time zone picked
from a list in the reader's language, and the wording of an online-only assembly."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select

from organiser.assemblies.models import Assembly, Registration, RegistrationQuestion, RegistrationStatus
from organiser.db import db, utcnow
from tests.factories import RegistrationFactory
from tests.functional.test_assemblies import FORM, PAGE, PERSON, _confirm, _local, organiser  # noqa: F401
from tests.helpers import csrf_token, submit, text_of

QUESTIONS = f"{PAGE}/questions"


def _add(client, **question):
    return submit(client, QUESTIONS, {"kind": "short_text", **question}, follow=True)


def _question_ids(app) -> dict[str, int]:
    with app.app_context():
        return {q.label: q.id for q in db.session.scalars(select(RegistrationQuestion))}


def _post_button(client, page: str, action: str):
    return client.post(action, data={"csrf_token": csrf_token(client.get(page).get_data(as_text=True))})


def _register(client, **changes):
    return client.post(f"{PAGE}/register", data={**PERSON, **changes})


def _set_up_questions(app, organiser):  # noqa: F811 (the fixture, passed on)
    _add(organiser, label="Which organisation are you from?", required="y")
    _add(
        organiser, label="What do you do?", kind="one_choice", choices="Farmer\nNurse\r\nTrader", required="y"
    )
    _add(organiser, label="Which sessions?", kind="several_choices", choices="Land\nHealth\nDebt")
    _add(organiser, label="What would you like to say?", kind="long_text", hint="A few lines.")
    done = _add(organiser, label="Will you testify?", kind="yes_no", required="y")
    assert "The question is on the registration form" in text_of(done)
    return _question_ids(app)


def test_organisers_questions_are_asked_answered_listed_and_exported(app, organiser, mail):  # noqa: F811
    refused = _add(organiser, label="Pick one", kind="one_choice", choices="Only one")
    assert "Give at least two choices" in text_of(refused) and 'id="choices-error"' in refused.get_data(
        as_text=True
    )
    ids = _set_up_questions(app, organiser)
    moved = _post_button(organiser, QUESTIONS, f"{QUESTIONS}/{ids['Will you testify?']}/up")
    assert moved.status_code == 302
    edited = submit(
        organiser,
        f"{QUESTIONS}/{ids['What do you do?']}",
        {
            "label": "What is your work?",
            "kind": "one_choice",
            "choices": "Farmer\nNurse\nTrader",
            "required": "y",
        },
        follow=True,
    )
    assert "The question is changed" in text_of(edited)

    visitor = app.test_client()
    html = visitor.get(PAGE).get_data(as_text=True)
    order = [html.index(label) for label in ("Which organisation", "What is your work?", "Which sessions?")]
    assert order == sorted(order)
    assert html.index("Will you testify?") < html.index("What would you like to say?"), "moved up"
    assert "Step-free access" in html and "Childcare" in html and "Interpretation" in html

    wrong = _register(visitor, **{f"question_{ids['Which organisation are you from?']}": "Zambia\x00 Land"})
    text, html = text_of(wrong), wrong.get_data(as_text=True)
    assert text.startswith("Error:") and "invisible control characters" in text
    assert "Choose an answer" in text, "required choices"
    assert f'id="question_{ids["Will you testify?"]}-error"' in html, "the error next to the question"
    assert f'href="#question_{ids["What do you do?"]}"' in html, "the summary links to the question"
    too_long = _register(visitor, **{f"question_{ids['Which organisation are you from?']}": "x" * 201})
    assert "Use at most 200 characters" in text_of(too_long)
    no_detail = _register(visitor, need_dietary="y")
    assert "Say what you need, or untick the box" in text_of(no_detail)
    with app.app_context():
        assert db.session.scalar(select(Registration.id)) is None, "a refused form keeps nothing"

    answers = {
        f"question_{ids['Which organisation are you from?']}": "Zambia Land Alliance",
        f"question_{ids['What do you do?']}": "Nurse",
        f"question_{ids['Which sessions?']}": ["Land", "Debt"],
        f"question_{ids['Will you testify?']}": "yes",
        "need_step_free": "y",
        "need_interpretation_detail": "Bemba",  # a detail typed counts as the box ticked
        "need_dietary": "y",
        "need_dietary_detail": "No nuts",
        "access_needs": "A quiet room",
    }
    sent = _register(visitor, **answers)
    assert "check your e-mail" in text_of(sent).lower()
    own = text_of(_confirm(visitor, mail, "mwila@example.org"))
    assert "Interpretation: Bemba" in own and "Will you testify? Yes" in own and "Land; Debt" in own
    _register(
        visitor,
        name="Chanda Phiri",
        email="chanda@example.org",
        need_interpretation="y",
        need_interpretation_detail=" bemba ",
        need_childcare="y",
        access_needs="",
        **{
            f"question_{ids['Which organisation are you from?']}": "Lusaka Health Workers",
            f"question_{ids['What do you do?']}": "Farmer",
            f"question_{ids['Will you testify?']}": "no",
        },
    )
    _confirm(visitor, mail, "chanda@example.org")

    listing = text_of(organiser.get(f"{PAGE}/registrations"))
    assert "Among the 2 people with a place or on the waitlist" in listing
    assert "Interpretation 2 (Bemba: 2)" in listing and "Step-free access 1" in listing
    assert "Childcare 1" in listing and "Sign language interpretation 0" in listing
    assert "Something else 1" in listing and "Dietary needs 1 (No nuts: 1)" in listing
    assert "Zambia Land Alliance" in listing and "Lusaka Health Workers" in listing

    rows = list(
        csv.DictReader(io.StringIO(organiser.get(f"{PAGE}/registrations.csv").get_data(as_text=True)))
    )
    mwila = next(r for r in rows if r["email"] == "mwila@example.org")
    assert mwila["need_step_free"] == "yes" and mwila["need_interpretation"] == "Bemba"
    assert mwila["need_dietary"] == "No nuts" and mwila["need_childcare"] == ""
    assert mwila["access_needs"] == "A quiet room"
    assert mwila["What is your work?"] == "Nurse" and mwila["Which sessions?"] == "Land; Debt"
    assert mwila["Will you testify?"] == "yes" and mwila["What would you like to say?"] == ""

    removed = _post_button(organiser, QUESTIONS, f"{QUESTIONS}/{ids['Which sessions?']}/remove")
    assert removed.status_code == 302
    assert "Which sessions?" not in text_of(app.test_client().get(PAGE))
    with app.app_context():
        kept = db.session.scalar(select(Registration).where(Registration.email == "mwila@example.org"))
        assert kept.answers[str(ids["Which sessions?"])] == {
            "question": "Which sessions?",
            "answer": ["Land", "Debt"],
        }


def test_a_question_with_a_control_character_or_a_forged_choice_is_refused(app, organiser):  # noqa: F811
    ids = _set_up_questions(app, organiser)
    bad_label = _add(organiser, label="Where\x07 from?")
    assert "invisible control characters" in text_of(bad_label)
    forged = _register(
        app.test_client(),
        **{
            f"question_{ids['What do you do?']}": "Banker",
            f"question_{ids['Which sessions?']}": ["Land", "Golf\x00"],
            f"question_{ids['Will you testify?']}": "maybe",
        },
    )
    assert text_of(forged).startswith("Error:")
    html = forged.get_data(as_text=True)
    for label in ("What do you do?", "Which sessions?", "Will you testify?"):
        assert f'id="question_{ids[label]}-error"' in html
    with app.app_context():
        assert db.session.scalar(select(Registration.id)) is None
        assert len(_question_ids(app)) == 5


def test_registrations_from_before_keep_their_written_access_needs(app, organiser):  # noqa: F811
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        RegistrationFactory(
            assembly_id=assembly.id,
            name="Old Registrant",
            access_needs="Wheelchair, and Tonga interpretation",
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=utcnow(),
        )
        db.session.commit()
    listing = text_of(organiser.get(f"{PAGE}/registrations"))
    assert "Wheelchair, and Tonga interpretation" in listing and "Something else 1" in listing
    export = organiser.get(f"{PAGE}/registrations.csv").get_data(as_text=True)
    assert "Wheelchair, and Tonga interpretation" in export


def test_speakers_are_added_on_the_agenda_page_and_shown_in_the_programme(app, organiser):  # noqa: F811
    agenda = f"{PAGE}/agenda"
    submit(organiser, agenda, {"starts": _local(10, 10), "title": "Testimonies on health care"})
    with app.app_context():
        item_id = db.session.scalar(select(Assembly)).agenda[0].id
    nameless = submit(organiser, f"{agenda}/speakers", {"item": str(item_id), "name": ""}, page=agenda)
    assert text_of(nameless).startswith("Error:") and "Enter the speaker's name" in text_of(nameless)
    assert 'id="name-error"' in nameless.get_data(as_text=True)
    added = submit(
        organiser,
        f"{agenda}/speakers",
        {
            "item": str(item_id),
            "name": "Grace Mwanza",
            "organisation": "Lusaka Nurses' Union",
            "role": "witness",
        },
        page=agenda,
        follow=True,
    )
    assert "Grace Mwanza is on the programme" in text_of(added)
    submit(organiser, f"{agenda}/speakers", {"item": str(item_id), "name": "Dr Mulenga"}, page=agenda)
    public = text_of(app.test_client().get(PAGE))
    assert "Testimonies on health care" in public
    assert "Speakers: Grace Mwanza (witness, Lusaka Nurses' Union); Dr Mulenga" in public
    with app.app_context():
        speaker_id = db.session.scalar(select(Assembly)).agenda[0].speakers[0].id
    _post_button(organiser, agenda, f"{PAGE}/speakers/{speaker_id}/remove")
    assert "Grace Mwanza" not in text_of(app.test_client().get(PAGE))


def _came(app, people: list[tuple[str, str]]) -> None:
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        for region, language in people:
            RegistrationFactory(
                assembly_id=assembly.id, region=region, language=language, status=RegistrationStatus.ATTENDED
            )
        assembly.starts_at, assembly.ends_at = utcnow() - timedelta(hours=5), utcnow() - timedelta(hours=1)
        db.session.commit()


def test_the_closing_report_is_written_published_and_counts_who_came(app, organiser):  # noqa: F811
    came = [("Lusaka", "Bemba")] * 3 + [("lusaka ", "Nyanja")] + [("Kitwe", "Bemba")] + [("", "Nyanja")] * 2
    _came(app, came)
    report = f"{PAGE}/report"
    owner_view = text_of(organiser.get(report))
    assert "7 people took part" in owner_view and "Kitwe: 1" in owner_view, "organisers see every group"
    bad = submit(organiser, report, {"summary": "x", "media_links": "Daily Mail javascript:alert(1)"})
    assert "Line 1 does not end with a link" in text_of(bad) and 'id="media_links-error"' in bad.get_data(
        as_text=True
    )
    draft = {
        "summary": "Nurses, traders and farmers testified.\r\n\r\nThe assembly adopted three demands.",
        "organisations": "Zambia Land Alliance\nLusaka Health Workers\n",
        "media_links": "Zambia Daily Mail, 6 December https://mail.example.zm/assembly\nhttps://radio.example/phone-in",
    }
    saved = submit(organiser, report, draft, follow=True)
    assert "The report is saved." in text_of(saved)
    assert "Closing report" not in text_of(app.test_client().get(PAGE)), "not published yet"
    submit(organiser, report, {**draft, "published": "y"})
    page = app.test_client().get(PAGE)
    public, html = text_of(page), page.get_data(as_text=True)
    assert "Closing report" in public and "The assembly adopted three demands." in public
    assert "Lusaka Health Workers" in public
    assert (
        '<a href="https://mail.example.zm/assembly" rel="nofollow noopener">Zambia Daily Mail, 6 December</a>'
        in html
    )
    assert ">https://radio.example/phone-in</a>" in html
    assert "7 people took part" in public
    assert re.search(r"By region Lusaka: 4 Elsewhere or not given: 3", public), public
    assert "Kitwe" not in public, "a region fewer than three came from is not shown"
    assert "By language Nyanja: 3 Bemba: 4" in public or "By language Bemba: 4 Nyanja: 3" in public
    unpublished = submit(organiser, report, draft, follow=True)
    assert "The report is saved." in text_of(unpublished)
    assert "The assembly adopted" not in text_of(app.test_client().get(PAGE))


def test_the_time_zone_is_chosen_from_a_list_in_the_readers_language(app, organiser):  # noqa: F811
    new = "/coalitions/fia-zm/assemblies/new"
    html = organiser.get(new).get_data(as_text=True)
    select_html = re.search(r'<select[^>]*id="timezone".*?</select>', html, re.S).group(0)
    assert '<optgroup label="In the coalition&#39;s country">' in select_html
    assert '<option selected value="Africa/Lusaka">Zambia Time (Africa/Lusaka)</option>' in select_html
    assert select_html.index("Africa/Lusaka") < select_html.index("Africa/Abidjan"), "the country's first"
    spanish = organiser.get(f"{new}?lang=es").get_data(as_text=True)
    assert "hora de Zambia (Africa/Lusaka)" in spanish
    typed = submit(
        organiser,
        new,
        {**FORM, "slug": "typed", "timezone": "Lusaka", "starts": _local(5, 9), "ends": _local(5, 12)},
    )
    assert "Choose a time zone from the list" in text_of(typed)
    unchosen = submit(
        organiser,
        new,
        {**FORM, "slug": "typed", "timezone": "", "starts": _local(5, 9), "ends": _local(5, 12)},
    )
    assert "Choose the time zone" in text_of(unchosen)
    moved = submit(
        organiser,
        new,
        {
            **FORM,
            "slug": "london",
            "timezone": "Europe/London",
            "starts": _local(5, 9),
            "ends": _local(5, 12),
        },
    )
    assert moved.location == "/assemblies/london"
    edit = organiser.get("/assemblies/london/edit").get_data(as_text=True)
    assert '<option selected value="Europe/London">' in edit


def test_an_online_only_assembly_never_says_you_can_also_take_part_online(app, organiser):  # noqa: F811
    assert "You can also take part online" in text_of(app.test_client().get(PAGE)), "with a venue, it may"
    created = submit(
        organiser,
        "/coalitions/fia-zm/assemblies/new",
        {**FORM, "slug": "online", "venue": "", "starts": _local(5, 9), "ends": _local(5, 12)},
    )
    assert created.location == "/assemblies/online"
    _post_button(organiser, "/assemblies/online", "/assemblies/online/publish")
    page = app.test_client().get("/assemblies/online")
    text, html = text_of(page), page.get_data(as_text=True)
    assert "also take part online" not in text and "It takes place online" in text
    assert "Sign language interpretation" in text and "Interpretation" in text
    for at_a_venue in ("need_step_free", "need_childcare", "need_dietary"):
        assert at_a_venue not in html, "only the needs that matter online"


def test_erasure_empties_the_needs_and_answers(app, organiser, mail):  # noqa: F811
    from organiser.people.models import Person
    from organiser.privacy.services import erase_person

    ids = _set_up_questions(app, organiser)
    required = {
        f"question_{ids['Which organisation are you from?']}": "Zambia Land Alliance",
        f"question_{ids['What do you do?']}": "Nurse",
        f"question_{ids['Will you testify?']}": "no",
    }
    _register(app.test_client(), need_sign_language="y", need_dietary_detail="Halal", **required)
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.needs == {"sign_language": "", "dietary": "Halal"}
        assert registration.answers[str(ids["What do you do?"])]["answer"] == "Nurse"
        erase_person(db.session.scalar(select(Person)), requested_by="person")
        db.session.commit()
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.needs == {} and registration.answers == {} and registration.access_needs == ""
