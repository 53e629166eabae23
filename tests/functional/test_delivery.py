"""Decision-makers (targets) and their CSV import; a closed petition delivered to them with a CSV of
its public signers; their responses on the public page; the report; closing on the close date."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from organiser.actions.petitions.lifecycle import close_overdue_petitions
from organiser.actions.petitions.models import Petition, PetitionDelivery, PetitionStatus, Target
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import OutboxAttachment, OutboxMessage
from tests.factories import (
    PASSWORD,
    CoalitionFactory,
    OrganisationFactory,
    PetitionFactory,
    TargetFactory,
    user_with_role,
)
from tests.helpers import body_of, csrf_token, links_in, path_of, sign_in, submit, text_of

SLUG = "two-child-limit"
SIGNER = {"region": "Leeds", "country": "GB", "consent_coalition": ""}


@pytest.fixture
def coalition(app):
    """SIA with its coordinator; another coalition's coordinator; an organisation's admin."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        other = CoalitionFactory(slug="other")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        org = OrganisationFactory(slug="equality-trust")
        user_with_role(Role.ORGANISATION_ADMIN, org.id, email="orgadmin@example.org")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    return client


def _client(app, email: str | None):
    client = app.test_client()
    if email:
        sign_in(client, email, PASSWORD)
    return client


def _wrong_roles(app):
    """Anonymous, another coalition's coordinator, an organisation's admin."""
    return [
        (None, _client(app, None)),
        ("other", _client(app, "other@example.org")),
        ("orgadmin", _client(app, "orgadmin@example.org")),
    ]


def _assert_refused(app, path: str, data: dict[str, str] | None = None) -> None:
    for who, client in _wrong_roles(app):
        if data is None:
            response = client.get(path)
        else:
            token_page = "/account/sign-in" if who is None else "/account"
            token = csrf_token(client.get(token_page).get_data(as_text=True))
            response = client.post(path, data={**data, "csrf_token": token})
        expected = 302 if who is None else 403
        assert response.status_code == expected, (who, path, response.status_code)
        if who is None:
            assert "/account/sign-in" in response.location


def _petition(coordinator, **extra: str) -> None:
    created = submit(
        coordinator,
        "/coalitions/sia/petitions/new",
        {
            "title": "Scrap the two-child limit",
            "slug": SLUG,
            "ask": "Scrap the two-child limit and the benefit cap.",
            "goal": "1000",
            **extra,
        },
    )
    assert created.location == f"/petitions/{SLUG}"
    page = coordinator.get(f"/petitions/{SLUG}").get_data(as_text=True)
    coordinator.post(f"/petitions/{SLUG}/open", data={"csrf_token": csrf_token(page)})


def _sign(app, mail, name: str, email: str, *, region: str = "Leeds", public: bool, confirm: bool = True):
    mail.clear()
    visitor = app.test_client()
    data = {**SIGNER, "name": name, "email": email, "region": region, "public_name": "y" if public else ""}
    visitor.post(f"/petitions/{SLUG}/sign", data=data)
    if confirm:
        visitor.post(path_of(links_in(mail.wait_for(1)[0])[0]))


# ---- targets ------------------------------------------------------------------------------------------


def test_coordinators_add_decision_makers_and_import_them_from_csv_after_a_checked_preview(app, coalition):
    coordinator = coalition
    bad = submit(coordinator, "/coalitions/sia/targets", {"name": "", "email": "not-an-address"})
    text = text_of(bad)
    assert text.startswith("Error:") and "Enter the name" in text and "in the right format" in text
    added = submit(
        coordinator,
        "/coalitions/sia/targets",
        {
            "name": "Rachel Reeves",
            "role": "Chancellor of the Exchequer",
            "body": "HM Treasury",
            "email": "Chancellor@Treasury.example",
        },
        follow=True,
    )
    assert "Rachel Reeves is on the list" in text_of(added) and "chancellor@treasury.example" in text_of(
        added
    )
    again = submit(
        coordinator, "/coalitions/sia/targets", {"name": "R", "email": "chancellor@treasury.example"}
    )
    assert "on the list already" in text_of(again)

    def upload(content: bytes):
        page = coordinator.get("/coalitions/sia/targets/import").get_data(as_text=True)
        return coordinator.post(
            "/coalitions/sia/targets/import",
            data={"csrf_token": csrf_token(page), "file": (io.BytesIO(content), "targets.csv")},
            content_type="multipart/form-data",
        )

    assert "Missing: email" in text_of(upload(b"name,constituency\nAnn,Leeds\n"))
    assert "not UTF-8" in text_of(upload("name,email\nJosé,jose@example.org\n".encode("latin-1")))
    preview = upload(
        b"Name,Role,Body,Region,Email\n"
        b"Ann Lee,MP,House of Commons,Leeds Central,ann@parliament.example\n"
        b",MP,House of Commons,Cardiff,nameless@parliament.example\n"
        b"Bob Roe,MP,House of Commons,York,not-an-address\n"
        b"Rachel Reeves,Chancellor,HM Treasury,,CHANCELLOR@treasury.example\n"
        b"Ann Again,MP,House of Commons,Leeds,ann@parliament.example\n"
    )
    text = text_of(preview)
    assert "1 decision-maker can be imported" in text and "4 rows will be skipped" in text
    assert "The name is missing" in text and "“not-an-address” is not an e-mail address" in text
    assert text.count("Already on the list: skipped") == 2 and "Nothing has been saved yet" in text
    with app.app_context():
        assert db.session.scalar(select(Target).where(Target.name == "Ann Lee")) is None, (
            "nothing before confirm"
        )
    done = coordinator.post(
        "/coalitions/sia/targets/import",
        data={
            "csrf_token": csrf_token(preview.get_data(as_text=True)),
            "payload": _payload(preview.get_data(as_text=True)),
        },
        follow_redirects=True,
    )
    assert "1 decision-makers imported; 4 rows skipped" in text_of(done)
    with app.app_context():
        names = sorted(db.session.scalars(select(Target.name)))
        assert names == ["Ann Lee", "Rachel Reeves"]

    for path in ("/coalitions/sia/targets", "/coalitions/sia/targets/import"):
        _assert_refused(app, path)
    _assert_refused(app, "/coalitions/sia/targets", {"name": "Intruder", "email": "i@example.org"})
    with app.app_context():
        assert db.session.scalar(select(Target).where(Target.name == "Intruder")) is None


def _payload(html: str) -> str:
    import re
    from html import unescape

    match = re.search(r'name="payload"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="payload"', html, re.S)
    assert match
    return unescape(match.group(1) or match.group(2))


# ---- delivery and responses ---------------------------------------------------------------------------


def _targets(app) -> list[int]:
    with app.app_context():
        sia_id = db.session.scalar(select(Petition.coalition_id).where(Petition.slug == SLUG))
        chancellor = TargetFactory(
            coalition_id=sia_id,
            name="Rachel Reeves",
            role="Chancellor of the Exchequer",
            body="HM Treasury",
            email="chancellor@treasury.example",
        )
        minister = TargetFactory(
            coalition_id=sia_id,
            name="Liz Kendall",
            role="Secretary of State",
            body="DWP",
            email="minister@dwp.example",
        )
        unchosen = TargetFactory(coalition_id=sia_id, name="Not Chosen", email="nobody@example.org")
        db.session.add_all([chancellor, minister, unchosen])
        db.session.commit()
        return [chancellor.id, minister.id]


def test_close_deliver_with_a_csv_of_public_signers_and_record_a_response(app, coalition, mail):
    coordinator = coalition
    _petition(coordinator)
    chosen = _targets(app)
    saved = submit(
        coordinator, f"/petitions/{SLUG}/targets", {"targets": [str(i) for i in chosen]}, follow=True
    )
    assert "Saved: who the petition is addressed to" in text_of(saved)
    public_page = text_of(app.test_client().get(f"/petitions/{SLUG}"))
    assert "Addressed to Liz Kendall Secretary of State, DWP Rachel Reeves" in public_page
    assert "treasury.example" not in public_page and "Not Chosen" not in public_page

    _sign(app, mail, "Aisha Khan", "aisha@example.org", region="Leeds", public=True)
    _sign(app, mail, "=Ben Formula", "ben@example.org", region="Cardiff", public=True)
    _sign(app, mail, "Chloe Private", "chloe@example.org", public=False)
    _sign(app, mail, "Dev Unconfirmed", "dev@example.org", public=True, confirm=False)
    mail.clear()

    early = coordinator.get(f"/petitions/{SLUG}/deliver")
    assert "Close the petition to new signatures first" in text_of(early)
    refused = submit(coordinator, f"/petitions/{SLUG}/deliver", {"message": "Too soon"}, follow=True)
    assert "Only a closed petition can be delivered" in text_of(refused)
    page = coordinator.get(f"/petitions/{SLUG}").get_data(as_text=True)
    coordinator.post(f"/petitions/{SLUG}/close", data={"csrf_token": csrf_token(page)})
    assert "Deliver it to the decision-makers" in text_of(coordinator.get(f"/petitions/{SLUG}"))

    for path in (f"/petitions/{SLUG}/deliver", f"/petitions/{SLUG}/targets", f"/petitions/{SLUG}/responses"):
        _assert_refused(app, path)
    _assert_refused(app, f"/petitions/{SLUG}/deliver", {"message": "Intruder"})
    assert mail.messages == []

    form = text_of(coordinator.get(f"/petitions/{SLUG}/deliver"))
    assert "3 signatures will be delivered" in form and "chancellor@treasury.example" in form
    assert "the 2 signers who agreed to show their name" in form
    delivered = submit(
        coordinator,
        f"/petitions/{SLUG}/deliver",
        {"message": "We, 3 people, ask you to act before the Budget."},
        follow=True,
    )
    assert "Delivered to 2 decision-makers, with 3 signatures" in text_of(delivered)

    for address in ("chancellor@treasury.example", "minister@dwp.example"):
        [message] = mail.wait_for_to(address)
        assert message["Reply-To"] == "coord@example.org"
        body = body_of(message)
        assert "We, 3 people, ask you to act before the Budget." in body
        assert "Scrap the two-child limit and the benefit cap." in body and "signed by 3 people" in body
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "text/csv"
        assert attachment.get_filename() == f"{SLUG}-signers.csv"
        rows = list(csv.reader(io.StringIO(attachment.get_content())))
        assert rows == [["name", "region"], ["Aisha Khan", "Leeds"], ["'=Ben Formula", "Cardiff"]]
        assert "@" not in attachment.get_content()
    assert mail.to("nobody@example.org") == []
    assert all(len(line) <= 998 for raw in mail.raw for line in raw.split(b"\r\n"))

    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == SLUG))
        assert petition.status == PetitionStatus.DELIVERED
        record = db.session.scalar(select(PetitionDelivery))
        assert record.signature_count == 3 and record.public_signer_count == 2
        assert sorted(r["name"] for r in record.recipients) == ["Liz Kendall", "Rachel Reeves"]
        assert record.message.startswith("We, 3 people")
        assert len(list(db.session.scalars(select(OutboxAttachment)))) == 2

    kept = submit(coordinator, f"/petitions/{SLUG}/targets", {"targets": [str(chosen[0])]}, follow=True)
    assert "A delivered petition keeps the targets it was delivered to" in text_of(kept)
    with app.app_context():
        assert len(db.session.scalar(select(Petition).where(Petition.slug == SLUG)).targets) == 2
    twice = submit(coordinator, f"/petitions/{SLUG}/deliver", {"message": "again"}, follow=True)
    assert "This petition has been delivered" in text_of(twice) or "Only a closed" in text_of(twice)
    with app.app_context():
        assert len(list(db.session.scalars(select(PetitionDelivery)))) == 1, "delivered once"

    bad = submit(coordinator, f"/petitions/{SLUG}/responses", {"target": str(chosen[0]), "text": ""})
    assert "Write the response" in text_of(bad)
    recorded = submit(
        coordinator,
        f"/petitions/{SLUG}/responses",
        {"target": str(chosen[0]), "text": "The Treasury is reviewing it.", "responded_on": "2026-11-20"},
        follow=True,
    )
    assert "The response is recorded" in text_of(recorded)
    _assert_refused(app, f"/petitions/{SLUG}/responses", {"target": str(chosen[1]), "text": "Forged"})
    public_page = text_of(app.test_client().get(f"/petitions/{SLUG}"))
    assert "Response" in public_page and "The Treasury is reviewing it." in public_page
    assert "Rachel Reeves, Chancellor of the Exchequer" in public_page and "Forged" not in public_page
    assert "Delivered on" in public_page and "treasury.example" not in public_page


def test_delivery_needs_targets(app, coalition, mail):
    coordinator = coalition
    _petition(coordinator)
    page = coordinator.get(f"/petitions/{SLUG}").get_data(as_text=True)
    coordinator.post(f"/petitions/{SLUG}/close", data={"csrf_token": csrf_token(page)})
    assert "Choose who the petition is addressed to first" in text_of(
        coordinator.get(f"/petitions/{SLUG}/deliver")
    )
    refused = submit(coordinator, f"/petitions/{SLUG}/deliver", {"message": ""}, follow=True)
    assert "Choose who the petition is addressed to first" in text_of(refused)
    with app.app_context():
        assert db.session.scalar(select(Petition.status)) == PetitionStatus.CLOSED
        assert db.session.scalar(select(OutboxMessage)) is None


# ---- the report -------------------------------------------------------------------------------------------


def test_the_report_draws_charts_with_their_figures_for_coordinators_only(app, coalition, mail):
    coordinator = coalition
    _petition(coordinator)
    _sign(app, mail, "Aisha", "aisha@example.org", region="Leeds", public=True)
    mail.clear()
    visitor = app.test_client()
    visitor.post(
        f"/petitions/{SLUG}/sign",
        data={**SIGNER, "name": "Ben", "email": "ben@example.org", "region": "Cardiff", "source": "wbg"},
    )
    visitor.post(path_of(links_in(mail.wait_for(1)[0])[0]))
    assert "Report: signatures by day" in text_of(coordinator.get(f"/petitions/{SLUG}"))
    page = coordinator.get(f"/petitions/{SLUG}/report")
    html = page.get_data(as_text=True)
    assert html.count('role="img"') == 4 and html.count("<title id=") == 4 and "<script" not in html
    text = text_of(page)
    for heading in (
        "Signatures by day",
        "Signatures by source",
        "Signatures by region",
        "Signatures by country",
    ):
        assert heading in text
    assert "Leeds 1" in text and "Cardiff 1" in text and "wbg 1" in text and "United Kingdom 2" in text
    assert "2 confirmed signatures" in text
    _assert_refused(app, f"/petitions/{SLUG}/report")


# ---- closing on the close date -------------------------------------------------------------------------


def test_a_petition_past_its_close_date_closes_when_visited_and_refuses_signatures(app, coalition, mail):
    coordinator = coalition
    today = datetime.now(UTC).date()
    _petition(coordinator, close_date=today.isoformat())
    with app.app_context():
        # Opened before its close date passed (a past close date is refused); the day is over, and
        # nothing has swept it yet.
        db.session.scalar(select(Petition)).close_date = today - timedelta(days=1)
        db.session.commit()
        assert db.session.scalar(select(Petition.status)) == PetitionStatus.OPEN
    visitor = app.test_client()
    late = visitor.post(
        f"/petitions/{SLUG}/sign", data={**SIGNER, "name": "Late", "email": "late@example.org"}
    )
    assert late.status_code == 409 and "closed to new signatures" in text_of(late)
    assert mail.messages == []
    with app.app_context():
        assert db.session.scalar(select(Petition.status)) == PetitionStatus.CLOSED


def test_a_petition_is_open_through_the_whole_of_its_close_date(app, coalition):
    coordinator = coalition
    today = datetime.now(UTC).date()
    _petition(coordinator, close_date=today.isoformat())
    assert "Sign the petition" in text_of(app.test_client().get(f"/petitions/{SLUG}"))
    with app.app_context():
        assert db.session.scalar(select(Petition.status)) == PetitionStatus.OPEN


def test_the_sweep_closes_petitions_whose_close_date_has_passed_with_fixed_dates(app):
    with app.app_context():
        sia = CoalitionFactory()
        for slug, close_date, status in [
            ("ends-31-march", date(2027, 3, 31), PetitionStatus.OPEN),
            ("ends-1-april", date(2027, 4, 1), PetitionStatus.OPEN),
            ("no-end", None, PetitionStatus.OPEN),
            ("draft-ended", date(2027, 3, 1), PetitionStatus.DRAFT),
        ]:
            PetitionFactory(
                coalition_id=sia.id,
                title=slug,
                slug=slug,
                ask="Ask",
                close_date=close_date,
                status=status,
                opened_at=None,
            )
        db.session.flush()

        def statuses() -> dict[str, str]:
            return {p.slug: str(p.status) for p in db.session.scalars(select(Petition))}

        assert close_overdue_petitions(datetime(2027, 3, 31, 23, 59, 59, tzinfo=UTC)) == []
        closed = close_overdue_petitions(datetime(2027, 4, 1, 0, 0, 1, tzinfo=UTC))
        assert len(closed) == 1
        db.session.expire_all()
        assert statuses() == {
            "ends-31-march": "closed",
            "ends-1-april": "open",
            "no-end": "open",
            "draft-ended": "draft",
        }
        assert close_overdue_petitions(datetime(2027, 4, 2, 0, 0, 1, tzinfo=UTC)) != []
        db.session.expire_all()
        assert statuses()["ends-1-april"] == "closed" and statuses()["no-end"] == "open"


@pytest.mark.worker
def test_the_workers_maintenance_sweep_closes_overdue_petitions(live, rq_worker):
    with live.app_context():
        sia = CoalitionFactory()
        PetitionFactory(
            coalition_id=sia.id,
            title="Ended",
            slug="ended",
            ask="Ask",
            close_date=date(2020, 1, 31),
            status=PetitionStatus.OPEN,
            opened_at=None,
        )
        db.session.commit()
    deadline = time.monotonic() + 20
    status = None
    while time.monotonic() < deadline:
        with live.app_context():
            status = db.session.scalar(select(Petition.status).where(Petition.slug == "ended"))
            db.session.rollback()
        if status == PetitionStatus.CLOSED:
            break
        time.sleep(0.3)
    assert status == PetitionStatus.CLOSED


def test_in_the_local_outbox_a_delivery_shows_its_attachment(app, coalition, mail, config_override):
    config_override(MAIL_BACKEND="local")
    coordinator = coalition
    _petition(coordinator)
    chosen = _targets(app)
    submit(coordinator, f"/petitions/{SLUG}/targets", {"targets": [str(chosen[0])]})
    page = coordinator.get(f"/petitions/{SLUG}").get_data(as_text=True)
    coordinator.post(f"/petitions/{SLUG}/close", data={"csrf_token": csrf_token(page)})
    submit(coordinator, f"/petitions/{SLUG}/deliver", {"message": ""})
    assert mail.messages == [], "nothing leaves the machine"
    with app.app_context():
        message_id = db.session.scalar(select(OutboxMessage.id))
        user_with_role(Role.PLATFORM_ADMIN, email="platform.admin@example.org")
        db.session.commit()
    # Mail to the decision-maker is not the coordinator's to read; a platform admin reads it all.
    assert coordinator.get(f"/dev/mail/{message_id}").status_code == 404
    admin = app.test_client()
    sign_in(admin, "platform.admin@example.org", PASSWORD)
    shown = text_of(admin.get(f"/dev/mail/{message_id}"))
    assert f"Attachment: {SLUG}-signers.csv" in shown and "name,region" in shown
