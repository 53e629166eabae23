"""Privacy: a person's own page through the e-mailed link (consent, download, erasure), coordinators'
erasure with a reason, the retention job with fixed dates, the export log, sensitive coalitions."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from organiser.actions.petitions import services as petitions
from organiser.actions.petitions.models import Petition, Signature
from organiser.core.models import Role
from organiser.db import db
from organiser.models import metadata
from organiser.people.models import ConsentState, Person
from organiser.privacy import services as privacy
from organiser.privacy.models import Erasure, RetentionRun
from tests.factories import PASSWORD, CoalitionFactory, TargetFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

AISHA = {
    "name": "Aisha Okonkwo-Privacy",
    "email": "aisha.private@example.org",
    "region": "Lusaka Central",
    "country": "ZM",
    "comment": "Ask me about the clinic queues.",
    "public_name": "y",
    "consent_coalition": "y",
}


@pytest.fixture
def setup(app):
    """FIA with a Zambia chapter; two open petitions in the chapter; coordinators for each level."""
    with app.app_context():
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", country="ZM", parent=fia)
        other = CoalitionFactory(slug="other")
        admin = user_with_role(Role.COALITION_COORDINATOR, fia.id, email="global@example.org")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="zambia@example.org")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        for slug, title in (("tax-justice", "Tax the richest 1%"), ("free-clinics", "Free clinics for all")):
            p = petitions.create_petition(zambia.id, by=admin, title=title, slug=slug, ask=title, goal=100)
            petitions.open_petition(p, by=admin)
        db.session.commit()
    return app


def _sign(client, mail, slug: str, **changes: str) -> None:
    mail.clear()
    client.post(f"/petitions/{slug}/sign", data={**AISHA, **changes})
    [message] = mail.wait_for(1)
    client.post(path_of(links_in(message)[0]))


def _coordinator(app, email: str):
    client = app.test_client()
    sign_in(client, email, PASSWORD)
    return client


def _data_link(client, mail, email: str) -> str:
    mail.clear()
    sent = submit(client, "/my-data", {"email": email})
    assert "If we hold anything about" in text_of(sent)
    [message] = mail.wait_for(1)
    assert message["Subject"] == "Your data on Organiser"
    return path_of(links_in(message)[0])


def _segment_for(form_html: str, title: str) -> str:
    """The value of the audience checkbox whose label names this petition."""
    for value, rest in re.findall(r'value="([^"]*petition_signers[^"]*)"(.*?)</li>', form_html, re.S):
        if title in rest:
            return value.replace("&#34;", '"')
    raise AssertionError(f"no audience for {title}")


def _counts(client) -> dict[str, int]:
    return {
        slug: client.get(f"/petitions/{slug}/count.json").json["count"]
        for slug in ("tax-justice", "free-clinics")
    }


def test_a_person_changes_consent_on_their_own_page_and_the_next_mailing_respects_it(setup, mail):
    app = setup
    visitor = app.test_client()
    _sign(visitor, mail, "tax-justice")
    _sign(visitor, mail, "tax-justice", name="Ben Banda", email="ben@example.org")

    page_path = _data_link(visitor, mail, "Aisha.Private@example.org")
    page = visitor.get(page_path)
    shown = text_of(page)
    assert "Aisha Okonkwo-Privacy" in shown and "Tax the richest 1%" in shown and "FIA Zambia" in shown
    assert "checked" in page.get_data(as_text=True)

    shown = re.findall(r'name="shown" value="([^"]+)"', page.get_data(as_text=True))
    saved = submit(visitor, page_path + "/consents", {"shown": shown}, page=page_path)  # every box unticked
    assert "Your choices are saved" in text_of(visitor.get(saved.location))
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "aisha.private@example.org"))
        assert not db.session.scalar(select(ConsentState.granted).where(ConsentState.person_id == person.id))
        history = privacy.consent_history(person)
        assert [e.given for e in history] == [True, False] and history[-1].source == "own data page"

    coordinator = _coordinator(app, "zambia@example.org")
    form = coordinator.get("/coalitions/fia-zambia/mailings/new").get_data(as_text=True)
    segment = _segment_for(form, "Tax the richest 1%")
    created = submit(
        coordinator,
        "/coalitions/fia-zambia/mailings/new",
        {"subject": "Next steps", "segments": segment, "body_markdown": "Hello"},
    )
    assert "1 person will get it" in text_of(coordinator.get(created.location))
    token = csrf_token(coordinator.get(created.location).get_data(as_text=True))
    mail.clear()
    coordinator.post(created.location + "/start", data={"csrf_token": token})
    [received] = mail.wait_for(1)
    assert received["To"].addresses[0].addr_spec == "ben@example.org"


def test_a_person_downloads_their_data_then_erases_it_and_every_count_stays(setup, mail):
    app = setup
    visitor = app.test_client()
    _sign(visitor, mail, "tax-justice")
    _sign(visitor, mail, "free-clinics")
    _sign(
        visitor, mail, "free-clinics", name="Ben Banda", email="ben@example.org", region="Ndola", comment=""
    )
    coordinator = _coordinator(app, "zambia@example.org")
    before_counts = _counts(visitor)
    before_summary = coordinator.get("/petitions/free-clinics/summary.json").json
    assert before_counts == {"tax-justice": 1, "free-clinics": 2}

    page_path = _data_link(visitor, mail, "aisha.private@example.org")
    data = json.loads(visitor.get(page_path + "/data.json").get_data(as_text=True))
    [record] = data
    assert record["person"]["email"] == "aisha.private@example.org"
    assert {s["petition"] for s in record["actions"]["signatures"]} == {
        "Tax the richest 1%",
        "Free clinics for all",
    }
    assert record["consent_history"][0]["wording"].startswith("Keep me updated")
    assert record["emails_sent"] == 2, "the two confirmation links (this alliance's mail to her)"
    csv_text = visitor.get(page_path + "/data.csv").get_data(as_text=True)
    assert "Ask me about the clinic queues." in csv_text and "aisha.private@example.org" in csv_text

    confirm = visitor.get(page_path + "/erase")
    assert "It cannot be undone" in text_of(confirm)
    assert visitor.get(page_path).status_code == 200, "a GET erases nothing"
    done = submit(visitor, page_path + "/erase", {})
    assert "Your data is erased" in text_of(done)

    assert _counts(visitor) == before_counts, "public counts are unchanged"
    after_summary = coordinator.get("/petitions/free-clinics/summary.json").json
    assert after_summary["by_country"] == before_summary["by_country"]
    assert after_summary["count"] == before_summary["count"]
    exported = coordinator.get("/petitions/free-clinics/signatures.csv").get_data(as_text=True)
    assert "Aisha" not in exported and "Ben Banda" in exported
    assert "Aisha" not in text_of(visitor.get("/petitions/free-clinics"))
    _nothing_personal_left(app, ["aisha.private@example.org", "Aisha Okonkwo-Privacy", "clinic queues"])
    with app.app_context():
        assert privacy.was_erased("Aisha.Private@example.org") and not privacy.was_erased("ben@example.org")
        assert db.session.scalar(select(Erasure.requested_by)) == "person"
        assert db.session.scalar(select(Petition.signature_count).where(Petition.slug == "tax-justice")) == 1
    assert visitor.get(page_path).status_code == 404, "nothing is held any more"


def _nothing_personal_left(app, needles: list[str]) -> None:
    """Read every row of every table and look for the person's details."""
    with app.app_context():
        for table in metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                flat = " ".join(str(v) for v in row)
                for needle in needles:
                    assert needle.lower() not in flat.lower(), f"{needle!r} is still in {table.name}"


def test_coordinators_erase_with_a_reason_and_see_consent_history_only_for_their_tree(setup, mail):
    app = setup
    visitor = app.test_client()
    _sign(visitor, mail, "tax-justice")
    global_coordinator = _coordinator(app, "global@example.org")

    missing = submit(
        global_coordinator,
        "/coalitions/fia/people/find",
        {"email": "nobody@example.org"},
        page="/coalitions/fia/privacy",
    )
    assert "No supporter of Fight Inequality Alliance has this address" in text_of(missing)
    found = submit(
        global_coordinator,
        "/coalitions/fia/people/find",
        {"email": "AISHA.private@example.org"},
        page="/coalitions/fia/privacy",
    )
    person_page = found.location
    shown = text_of(global_coordinator.get(person_page))
    assert (
        "Consent history" in shown
        and "Keep me updated by e-mail" in shown
        and "petition:tax-justice" in shown
    )

    person_id = person_page.rsplit("/", 1)[1]
    assert _coordinator(app, "other@example.org").get(person_page).status_code == 403
    chapter = _coordinator(app, "zambia@example.org")
    assert chapter.get(person_page).status_code == 403, "the chapter's coordinator is not the alliance's"
    assert chapter.get(f"/coalitions/fia-zambia/people/{person_id}").status_code == 404
    assert "Supporters' data is held by Fight Inequality Alliance" in text_of(
        chapter.get("/coalitions/fia-zambia/privacy")
    )
    assert app.test_client().get(person_page).status_code == 302, "sign in first"

    no_reason = submit(global_coordinator, person_page, {"reason": ""})
    assert "Give the reason for erasing this person" in text_of(no_reason)
    erased = submit(global_coordinator, person_page, {"reason": "Asked by phone on 21 November"}, follow=True)
    assert "Counts are unchanged" in text_of(erased) and "Asked by phone on 21 November" in text_of(erased)
    assert _counts(visitor)["tax-justice"] == 1
    _nothing_personal_left(app, ["aisha.private@example.org", "Aisha Okonkwo-Privacy"])


def test_the_retention_job_anonymises_exactly_what_is_due(setup, mail):
    app = setup
    visitor = app.test_client()
    _sign(visitor, mail, "tax-justice", email="keep@example.org", name="Keeps Consent")
    _sign(visitor, mail, "tax-justice", email="due@example.org", name="No Consent", consent_coalition="")
    _sign(
        visitor, mail, "free-clinics", email="recent@example.org", name="Recent Closure", consent_coalition=""
    )
    chapter = _coordinator(app, "zambia@example.org")
    bad = submit(chapter, "/coalitions/fia-zambia/privacy", {"retention_months": "0"})
    assert "Enter a number of months from 1 to 120" in text_of(bad)
    submit(chapter, "/coalitions/fia-zambia/privacy", {"retention_months": "12"})
    with app.app_context():
        for slug, closed in (
            ("tax-justice", datetime(2025, 1, 10, tzinfo=UTC)),
            ("free-clinics", datetime(2025, 12, 1, tzinfo=UTC)),
        ):
            p = petitions.by_slug(slug)
            p.status, p.closed_at = "closed", closed
        db.session.execute(
            text("UPDATE signatures SET created_at = :at"), {"at": datetime(2025, 1, 5, tzinfo=UTC)}
        )
        db.session.commit()

        [run] = privacy.run_retention(datetime(2026, 3, 1, tzinfo=UTC))
        # every kind of personal data retention reaches is counted, those with nothing due as 0
        assert run.counts == {
            "signatures": 1,
            "letters": 0,
            "letter_replies": 0,
            "assembly_registrations": 0,
            "community_petitions": 0,
            "sortition_volunteers": 0,
            "imported": 0,
            "people": 1,
        }
        names = sorted(s.name for s in db.session.scalars(select(Signature)))
        assert names == ["", "Keeps Consent", "Recent Closure"]
        assert db.session.scalar(select(Person).where(Person.email == "due@example.org")) is None
        assert all(s.ip == "" for s in db.session.scalars(select(Signature))), "old IP addresses dropped"
        assert db.session.scalar(select(Petition.signature_count).where(Petition.slug == "tax-justice")) == 2
        assert privacy.run_retention(datetime(2026, 3, 1, tzinfo=UTC))[0].counts == {
            "signatures": 0,
            "letters": 0,
            "letter_replies": 0,
            "assembly_registrations": 0,
            "community_petitions": 0,
            "sortition_volunteers": 0,
            "imported": 0,
            "people": 0,
        }
        assert db.session.scalar(select(RetentionRun.cutoff)).date().isoformat() == "2025-03-01"
        db.session.commit()
    assert "Retention last ran on" in text_of(chapter.get("/coalitions/fia-zambia/privacy"))


def test_exports_are_logged_and_a_sensitive_coalition_shows_no_names(setup, mail):
    app = setup
    visitor = app.test_client()
    _sign(visitor, mail, "tax-justice")
    assert "Aisha Okonkwo-Privacy" in text_of(visitor.get("/petitions/tax-justice"))
    chapter = _coordinator(app, "zambia@example.org")
    chapter.get("/petitions/tax-justice/signatures.csv")
    page = text_of(chapter.get("/coalitions/fia-zambia/privacy"))
    assert "Signatures of “Tax the richest 1%”" in page and "No one has downloaded" not in page
    assert "Signatures of" in text_of(_coordinator(app, "global@example.org").get("/coalitions/fia/privacy"))
    assert app.test_client().get("/coalitions/fia-zambia/privacy").status_code == 302
    assert _coordinator(app, "other@example.org").get("/coalitions/fia-zambia/privacy").status_code == 403

    submit(chapter, "/coalitions/fia-zambia/privacy", {"sensitive": "y"})
    assert "Aisha Okonkwo-Privacy" not in text_of(visitor.get("/petitions/tax-justice"))
    _sign(visitor, mail, "free-clinics", name="Chipo Mwale", email="chipo@example.org")
    assert all("Chipo" not in str(m["Subject"]) for m in mail.messages), "no name in any subject"


def test_bad_and_expired_links_explain_themselves(setup, mail, config_override):
    app = setup
    visitor = app.test_client()
    assert "not complete or not genuine" in text_of(visitor.get("/my-data/forged-token"))
    unknown = submit(visitor, "/my-data", {"email": "stranger@example.org"})
    assert "If we hold anything about stranger@example.org" in text_of(unknown)
    assert mail.messages == [], "nothing is sent, and the answer is the same"
    bad = submit(visitor, "/my-data", {"email": "not-an-address"})
    assert "Enter an e-mail address in the right format" in text_of(bad)
    _sign(visitor, mail, "tax-justice")
    path = _data_link(visitor, mail, AISHA["email"])
    config_override(DATA_LINK_HOURS=0)
    import time

    time.sleep(1.1)
    assert "The link has expired" in text_of(visitor.get(path))


def test_erasing_in_one_alliance_leaves_another_alliances_mail_and_suppressions_alone(setup, mail):
    from organiser.messaging.models import Suppression
    from organiser.messaging.services.suppression import is_suppressed, suppress
    from organiser.people.services import upsert_person

    app = setup
    _sign(app.test_client(), mail, "tax-justice")
    with app.app_context():
        sia = CoalitionFactory(slug="sia-elsewhere")
        upsert_person(sia.id, AISHA["email"], name="Aisha elsewhere")
        suppress(AISHA["email"], "complained", "a complaint to SIA's mail")
        fia_person = db.session.scalar(
            select(Person).where(Person.email == AISHA["email"], Person.tree_id != sia.id)
        )
        privacy.erase_person(fia_person, requested_by="coordinator", reason="asked")
        db.session.commit()
        assert is_suppressed(AISHA["email"]), "SIA's suppression stands"
        assert not privacy.was_erased(AISHA["email"]), "SIA still holds the address"
        assert db.session.scalar(select(Person.name).where(Person.tree_id == sia.id)) == "Aisha elsewhere"
        assert db.session.scalar(select(Signature.name)) == "", "FIA's signature is anonymised"
        assert db.session.scalar(select(Suppression.reason)) == "complained"


def test_a_stranger_typing_someones_address_changes_nothing_until_that_mailbox_confirms(setup, mail):
    app = setup
    visitor = app.test_client()
    _sign(visitor, mail, "tax-justice", consent_coalition="")  # Aisha, no consent
    mail.clear()
    stranger = app.test_client()
    stranger.post("/petitions/free-clinics/sign", data={**AISHA, "name": "Not Aisha", "region": "Elsewhere"})
    [link_mail] = mail.wait_for(1)
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == AISHA["email"]))
        assert (person.name, person.region) == ("Aisha Okonkwo-Privacy", "Lusaka Central")
        assert db.session.scalars(select(ConsentState)).all() == [], "no consent from an unconfirmed form"
    visitor.post(path_of(links_in(link_mail)[0]))  # the mailbox's owner confirms: now it is theirs
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == AISHA["email"]))
        assert person.name == "Not Aisha"
        assert db.session.scalar(select(ConsentState.granted)) is True


def test_erasing_someone_who_signed_wrote_and_registered_leaves_nothing_and_every_count_stays(setup, mail):
    """Issue #6's "done when": two signatures, a letter and an assembly registration, all made
    through the public forms and the e-mailed links; erased from the person's own page."""
    from datetime import timedelta

    from organiser.actions.targets.models import Target
    from organiser.assemblies import services as assembly_services
    from organiser.assemblies.models import Assembly
    from organiser.coalitions.models import Coalition

    app = setup
    coordinator = _coordinator(app, "zambia@example.org")
    with app.app_context():
        zambia = db.session.scalar(select(Coalition).where(Coalition.slug == "fia-zambia"))
        TargetFactory(coalition_id=zambia.id, name="Hon. Minister of Health", email="minister@health.example")
        db.session.commit()
        target_id = str(db.session.scalar(select(Target.id)))
    created = submit(
        coordinator,
        "/coalitions/fia-zambia/letters/new",
        {
            "title": "Write to the Minister of Health",
            "slug": "clinics-letter",
            "intro": "Clinics lack medicine.",
            "subject": "Free clinics for all",
            "body": "Please fund free clinics in every district.",
            "target_mode": "fixed",
            "targets": [target_id],
        },
    )
    assert created.status_code == 302, text_of(created)
    page = coordinator.get("/letters/clinics-letter").get_data(as_text=True)
    coordinator.post("/letters/clinics-letter/open", data={"csrf_token": csrf_token(page)})
    starts = datetime.now(UTC) + timedelta(days=10)
    created = submit(
        coordinator,
        "/coalitions/fia-zambia/assemblies/new",
        {
            "kind": "peoples_assembly",
            "title": "Lusaka People's Assembly",
            "slug": "lusaka-assembly",
            "description": "Nurses, traders and farmers set the demands.",
            "timezone": "Africa/Lusaka",
            "venue": "Lusaka",
            "capacity": "50",
            "languages": "English, Bemba",
            "starts": starts.strftime("%Y-%m-%dT09:00"),
            "ends": starts.strftime("%Y-%m-%dT16:00"),
        },
    )
    assert created.status_code == 302, text_of(created)
    page = coordinator.get("/assemblies/lusaka-assembly").get_data(as_text=True)
    coordinator.post("/assemblies/lusaka-assembly/publish", data={"csrf_token": csrf_token(page)})

    visitor = app.test_client()
    people = (AISHA, {**AISHA, "name": "Ben Banda", "email": "ben@example.org", "comment": ""})
    for person in people:
        for slug in ("tax-justice", "free-clinics"):
            _sign(visitor, mail, slug, name=person["name"], email=person["email"], comment=person["comment"])
        mail.clear()
        letter = {
            **person,
            "subject": "Free clinics for all",
            "body": f"{person['name']} here: my clinic had no malaria tests.",
        }
        assert visitor.post("/letters/clinics-letter/write", data=letter).status_code == 200
        [message] = mail.wait_for(1)
        visitor.post(path_of(links_in(message)[0]))
        mail.wait_for_to("minister@health.example")
        mail.clear()
        registration = {
            **person,
            "language": "Bemba",
            "access_needs": f"{person['name']} needs step-free access",
        }
        assert visitor.post("/assemblies/lusaka-assembly/register", data=registration).status_code == 200
        [message] = mail.wait_for(1)
        [link] = [url for url in links_in(message) if "/confirm/" in url]
        visitor.post(path_of(link))

    def public_figures() -> dict[str, object]:
        letters_page = text_of(visitor.get("/letters/clinics-letter"))
        assembly_page = text_of(visitor.get("/assemblies/lusaka-assembly"))
        return {
            **_counts(visitor),
            "letters": letters_page.split(" sent so far")[0].rsplit(" ", 2)[-2],
            "places": assembly_page.split(" places left")[0].rsplit(" ", 1)[-1],
        }

    before = public_figures()
    assert before == {"tax-justice": 2, "free-clinics": 2, "letters": "2", "places": "48"}
    with app.app_context():
        figures_before = assembly_services.counts(db.session.scalar(select(Assembly)))
    assert figures_before["registered"] == 2

    page_path = _data_link(visitor, mail, "aisha.private@example.org")
    shown = text_of(visitor.get(page_path))
    assert "Write to the Minister of Health" in shown and "Lusaka People's Assembly" in shown
    assert "Your data is erased" in text_of(submit(visitor, page_path + "/erase", {}))

    assert public_figures() == before, "every public count stays as it was"
    with app.app_context():
        assert assembly_services.counts(db.session.scalar(select(Assembly))) == figures_before
    _nothing_personal_left(
        app,
        [
            "aisha.private@example.org",
            "Aisha Okonkwo-Privacy",
            "clinic queues",
            "Aisha Okonkwo-Privacy needs",
        ],
    )
    exports = [
        coordinator.get("/petitions/tax-justice/signatures.csv"),
        coordinator.get("/petitions/free-clinics/signatures.csv"),
        coordinator.get("/letters/clinics-letter/letters.csv"),
        coordinator.get("/assemblies/lusaka-assembly/registrations.csv"),
    ]
    for export in exports:
        text = export.get_data(as_text=True)
        assert export.status_code == 200 and "Ben Banda" in text, "the others are still there"
        assert "aisha" not in text.lower() and "clinic queues" not in text
