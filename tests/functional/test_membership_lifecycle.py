"""Membership over time: suspend, reinstate, leave; organisation admins invite colleagues; CSV export."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from sqlalchemy import select

from organiser.coalitions.models import Membership, MembershipStatus
from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, MembershipFactory, OrganisationFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of


@pytest.fixture
def world(app):
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        other = CoalitionFactory(name="Fight Inequality Alliance", slug="fia")
        trust = OrganisationFactory(
            name="The Equality Trust", slug="the-equality-trust", type="ngo", country="GB"
        )
        rogue = OrganisationFactory(name='=HYPERLINK("http://evil.example")', slug="rogue", country="GB")
        MembershipFactory(coalition=sia, organisation=trust, contact_email="trust@example.org")
        MembershipFactory(
            coalition=sia, organisation=rogue, contact_name="+cmd", contact_email="r@example.org"
        )
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        user_with_role(Role.ORGANISATION_ADMIN, trust.id, email="admin@equalitytrust.example.org")
        user_with_role(Role.ORGANISATION_ADMIN, rogue.id, email="rogue-admin@example.org")
        db.session.commit()
        return {
            "trust": db.session.scalar(select(Membership.id).where(Membership.organisation_id == trust.id))
        }


def _client(app, email):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def _status(app, membership_id):
    with app.app_context():
        return db.session.get(Membership, membership_id).status


def test_coordinator_suspends_reinstates_and_the_trail_records_it(app, world):
    client = _client(app, "coord@example.org")
    token = csrf_token(client.get("/coalitions/sia/members").get_data(as_text=True))
    url = f"/memberships/{world['trust']}/status"
    client.post(url, data={"csrf_token": token, "status": "suspended", "note": "dues unpaid"})
    assert _status(app, world["trust"]) == MembershipStatus.SUSPENDED
    assert "The Equality Trust" not in text_of(app.test_client().get("/coalitions/sia")), (
        "suspended: not listed"
    )
    refused = client.post(url, data={"csrf_token": token, "status": "applied"}, follow_redirects=True)
    assert "That change is not possible" in text_of(refused)
    client.post(url, data={"csrf_token": token, "status": "active"})
    desk = text_of(client.get("/coalitions/sia/members"))
    assert "Suspended (" in desk and "dues unpaid" in desk and _status(app, world["trust"]) == "active"
    recent = desk.split("Recent changes", 1)[1].split("application", 1)[0]
    assert recent.index("The Equality Trust: Active") < recent.index("The Equality Trust: Suspended"), (
        "newest first"
    )
    intruder = _client(app, "other@example.org")
    own_token = csrf_token(intruder.get("/account").get_data(as_text=True))
    assert intruder.post(url, data={"csrf_token": own_token, "status": "suspended"}).status_code == 403


def test_organisation_admin_invites_a_colleague_and_leaves_a_coalition(app, world, mail):
    admin = _client(app, "admin@equalitytrust.example.org")
    page = text_of(admin.get("/organisations/the-equality-trust/team"))
    assert "Structural Inequalities Alliance" in page
    submit(admin, "/organisations/the-equality-trust/team", {"email": "colleague@example.org"})
    [invitation] = mail.wait_for(1)
    assert "The Equality Trust" in invitation["Subject"]
    colleague = app.test_client()
    submit(
        colleague,
        path_of(links_in(invitation)[0]),
        {"name": "Colleague", "password": "a long passphrase", "confirm": "a long passphrase"},
    )
    assert sign_in(colleague, "colleague@example.org", "a long passphrase").status_code == 302
    assert colleague.get("/organisations/the-equality-trust/edit").status_code == 200

    token = csrf_token(admin.get("/organisations/the-equality-trust/team").get_data(as_text=True))
    rogue = _client(app, "rogue-admin@example.org")
    rogue_token = csrf_token(rogue.get("/account").get_data(as_text=True))
    leave_url = f"/memberships/{world['trust']}/leave"
    assert rogue.post(leave_url, data={"csrf_token": rogue_token}).status_code == 403
    left = admin.post(
        f"/memberships/{world['trust']}/leave", data={"csrf_token": token}, follow_redirects=True
    )
    assert "The Equality Trust has left Structural Inequalities Alliance" in text_of(left)
    assert _status(app, world["trust"]) == MembershipStatus.LEFT


def test_csv_export_is_for_coordinators_and_safe_in_spreadsheets(app, world):
    assert _client(app, "other@example.org").get("/coalitions/sia/members.csv").status_code == 403
    response = _client(app, "coord@example.org").get("/coalitions/sia/members.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_name = {r["organisation"]: r for r in rows}
    assert '\'=HYPERLINK("http://evil.example")' in by_name
    assert by_name['\'=HYPERLINK("http://evil.example")']["contact_name"] == "'+cmd"
    assert by_name["The Equality Trust"]["status"] == "active"


CSV = (
    "name,type,country,region,website,description,contact_name,contact_email,role\n"
    "Pro Bono Economics,ngo,gb,London,https://pbe.example.org,Charity economics,Ana,ana@example.org,member\n"
    "The Equality Trust,ngo,GB,,,,,,\n"
    "Nowhere Org,ngo,XX,,,,,,\n"
    "Bad Email Org,ngo,GB,,,,Bob,not-an-email,\n"
    "=cmd|' /C calc'!A0,ngo,GB,,,,,,steering\n"
)


def _upload(client, data: bytes, name: str = "members.csv"):
    page = client.get("/coalitions/sia/members/import")
    return client.post(
        "/coalitions/sia/members/import",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "file": (io.BytesIO(data), name)},
    )


def test_csv_import_previews_every_row_and_writes_only_after_confirmation(app, world):
    client = _client(app, "coord@example.org")
    preview = _upload(client, CSV.encode("utf-8"))
    text = text_of(preview)
    assert "2 organisations can be imported. 3 rows will be skipped" in text
    assert "Already in the coalition: skipped" in text
    assert (
        "“XX” is not a two-letter country code" in text and "“not-an-email” is not an e-mail address" in text
    )
    with app.app_context():
        assert (
            db.session.scalar(
                select(Membership)
                .join(Membership.organisation)
                .where(Membership.contact_email == "ana@example.org")
            )
            is None
        ), "nothing before confirming"
    token = csrf_token(preview.get_data(as_text=True))
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', preview.get_data(as_text=True))
    done = client.post(
        "/coalitions/sia/members/import",
        follow_redirects=True,
        data={"csrf_token": token, "payload": html.unescape(payload.group(1))},
    )
    assert "2 organisations imported; 3 rows skipped" in text_of(done)
    directory = text_of(app.test_client().get("/coalitions/sia"))
    assert "Pro Bono Economics" in directory and "=cmd|' /C calc'!A0" in directory


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("name,country\nCafé Org,GB\n".encode("latin-1"), "m.csv", "The file is not UTF-8 text"),
        (b"organisation,nation\nX,GB\n", "m.csv", "Missing: country, name"),
        (b"name,country\nX,GB\n", "m.xlsx", "Choose a .csv file"),
    ],
)
def test_unusable_files_get_a_clear_message_and_write_nothing(app, world, data, name, message):
    response = _upload(_client(app, "coord@example.org"), data, name)
    assert response.status_code == 200 and message in text_of(response)
    assert text_of(response).startswith("Error:")


def test_an_oversized_upload_is_refused_clearly(app, world):
    response = _upload(_client(app, "coord@example.org"), b"name,country\n" + b"x,GB\n" * 1_100_000)
    assert response.status_code == 413 and "The file is too large" in text_of(response)


def test_only_the_coalitions_coordinators_may_import(app, world):
    assert _client(app, "other@example.org").get("/coalitions/sia/members/import").status_code == 403


def _image(fmt: str, size=(800, 400)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (107, 31, 91)).save(out, format=fmt)
    return out.getvalue()


def _upload_logo(client, data: bytes, name: str):
    page = client.get("/organisations/the-equality-trust/edit")
    form = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "name": "The Equality Trust",
        "type": "ngo",
        "country": "GB",
        "logo": (io.BytesIO(data), name),
    }
    return client.post(
        "/organisations/the-equality-trust/edit", data=form, content_type="multipart/form-data"
    )


def test_logo_is_checked_reencoded_and_shown_in_the_directory(app, world):
    from PIL import Image

    admin = _client(app, "admin@equalitytrust.example.org")
    assert _upload_logo(admin, _image("JPEG"), "logo.jpg").status_code == 302
    served = app.test_client().get("/organisations/the-equality-trust/logo.png")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["Cache-Control"] == "public, max-age=86400"
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "PNG" and image.size == (512, 256), "re-encoded and scaled down"
    assert (
        'src="/organisations/the-equality-trust/logo.png?v=1"'
        in app.test_client().get("/coalitions/sia").text
    )
    cached = app.test_client().get(
        "/organisations/the-equality-trust/logo.png", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert cached.status_code == 304

    # Saved again without a file part (a plain form post): the logo stays as it was.
    page = admin.get("/organisations/the-equality-trust/edit").get_data(as_text=True)
    plain = admin.post(
        "/organisations/the-equality-trust/edit",
        data={"csrf_token": csrf_token(page), "name": "The Equality Trust", "type": "ngo", "country": "GB"},
    )
    assert plain.status_code == 302
    assert app.test_client().get("/organisations/the-equality-trust/logo.png").data == served.data


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<svg onload='alert(1)'></svg>", "logo.svg", "Use a PNG, JPEG or WebP image."),
        (b"GIF89a not really", "logo.png", "This file is not an image we can read"),
        (None, "logo.gif", "Use a PNG, JPEG or WebP image."),
        (b"\x89PNG" + b"0" * (3 * 1024 * 1024), "big.png", "The logo is too large"),
    ],
)
def test_bad_logos_are_refused_next_to_the_field_and_nothing_changes(app, world, data, name, message):
    admin = _client(app, "admin@equalitytrust.example.org")
    response = _upload_logo(admin, data if data is not None else _image("GIF"), name)
    assert response.status_code == 200 and message in text_of(response)
    assert app.test_client().get("/organisations/the-equality-trust/logo.png").status_code == 404


def test_a_20_mb_logo_is_refused_with_a_clear_page(app, world):
    admin = _client(app, "admin@equalitytrust.example.org")
    response = _upload_logo(admin, b"\x89PNG" + b"0" * (20 * 1024 * 1024), "huge.png")
    assert response.status_code == 413 and "The file is too large" in text_of(response)
