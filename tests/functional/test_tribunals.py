"""A people's tribunal through the forms and the captured mail: organisers set the charges, witnesses
testify (double opt-in, files re-encoded), organisers moderate (approve, ask for changes, reject), the
witness changes or withdraws their testimony from their own page, the panel enters its verdicts and
publishes the judgment; an anonymous witness's name and address appear on no public page and in no
e-mail to anyone but the organisers; testimonies are part of the witness's own data and erasure."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import select

from organiser.assemblies.models import AssemblyKind
from organiser.assemblies.tribunals import models as tm
from organiser.core.models import Role, User
from organiser.db import db
from tests.factories import PASSWORD, AssemblyFactory, CoalitionFactory, UserFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

PAGE = "/assemblies/debt-tribunal"
T = f"{PAGE}/tribunal"
COORDINATOR = "coord@fia-zambia.example"
JUDGE = "judge@example.org"

# The anonymous witness: distinctive, so that any leak is found wherever it is.
HIDDEN_NAME = "Zebediah Quillfeather-Mwansa"
HIDDEN_EMAIL = "zq.hidden.witness@example.org"
ANONYMOUS = {
    "name": HIDDEN_NAME,
    "email": HIDDEN_EMAIL,
    "witness_kind": "frontline",
    "language": "Bemba",
    "account": "The clinic in Kanyama had no medicines for three months after the budget cuts.",
    "publication": "anonymous",
    "safety_risk": "y",
    "recording_allowed": "",
}
NAMED = {
    "name": "Natasha Phiri",
    "email": "natasha@example.org",
    "witness_kind": "expert",
    "language": "English",
    "account": "As a nurse I counted the posts frozen since the loan conditions.",
    "publication": "named",
}


@pytest.fixture
def tribunal(app):
    """FIA Zambia's tribunal on debt and public services, published; its coordinator; a judge's account."""
    with app.app_context():
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", country="ZM", parent=fia)
        AssemblyFactory(
            coalition_id=zambia.id,
            kind=AssemblyKind.TRIBUNAL,
            title="People's Tribunal on Debt and Public Services",
            slug="debt-tribunal",
        )
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email=COORDINATOR)
        UserFactory(email=JUDGE, name="Judge Mumba")
        db.session.commit()
    return app


def _signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def _charge_ids(app) -> dict[str, int]:
    with app.app_context():
        return {c.title: c.id for c in db.session.scalars(select(tm.Charge).order_by(tm.Charge.position))}


def _add_charges(app, organiser) -> dict[str, int]:
    for title, accused, kind in (
        ("Cutting health spending to repay foreign debt", "The Government of Zambia", "government"),
        ("Imposing austerity as a loan condition", "The IMF", "lender"),
    ):
        added = submit(
            organiser,
            f"{T}/charges",
            {"title": title, "accused": accused, "accused_kind": kind, "at_stake": "The right to health"},
        )
        assert added.status_code == 302, text_of(added)
    return _charge_ids(app)


def _testify(client, mail, data: dict[str, object], *, count: int = 1):
    """Send the form, then confirm through the e-mailed link (GET shows a button, POST confirms)."""
    sent = client.post(f"{PAGE}/testify", data=data)
    assert "check your e-mail" in text_of(sent).lower(), text_of(sent)
    message = mail.wait_for_to(str(data["email"]), count)[-1]
    [link] = [url for url in links_in(message) if "/testimony/confirm/" in url]
    assert "Confirm my testimony" in text_of(client.get(path_of(link)))
    confirmed = client.post(path_of(link), follow_redirects=True)
    assert "Waiting for the organisers" in text_of(confirmed)
    return confirmed


def _testimony_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalars(select(tm.Testimony.id).where(tm.Testimony.email == email)).all()[-1]


def _button(client, page: str, action: str, data: dict[str, str] | None = None):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **(data or {})}, follow_redirects=True)


def test_charges_are_added_changed_reordered_and_removed_and_shown_in_order(tribunal):
    app = tribunal
    organiser = _signed_in(app, COORDINATOR)
    ids = _add_charges(app, organiser)
    health, austerity = ids.values()
    public = text_of(app.test_client().get(PAGE))
    assert public.index("Cutting health spending") < public.index("Imposing austerity"), "in order"
    assert "Against: The IMF" in public and "A lender" in public and "The right to health" in public

    _button(organiser, f"{T}/charges", f"{T}/charges/{austerity}/up")
    public = text_of(app.test_client().get(PAGE))
    assert public.index("Imposing austerity") < public.index("Cutting health spending"), "moved up"

    changed = submit(
        organiser,
        f"{T}/charges/{health}/edit",
        {
            "title": "Starving clinics to repay debt",
            "accused": "The Government of Zambia",
            "accused_kind": "government",
        },
    )
    assert changed.status_code == 302
    _button(organiser, f"{T}/charges", f"{T}/charges/{austerity}/remove")
    public = text_of(app.test_client().get(PAGE))
    assert "Starving clinics to repay debt" in public and "Imposing austerity" not in public
    refused = submit(organiser, f"{T}/charges", {"title": "", "accused": "", "accused_kind": "government"})
    assert "Say what is alleged" in text_of(refused) and "Say who is charged" in text_of(refused)


def test_a_tribunal_from_testimony_to_published_judgment_never_reveals_the_anonymous_witness(tribunal, mail):
    app = tribunal
    organiser = _signed_in(app, COORDINATOR)
    ids = _add_charges(app, organiser)
    health, austerity = ids.values()
    witness, nurse = app.test_client(), app.test_client()

    form = witness.get(f"{PAGE}/testify")
    assert "Set-Cookie" not in form.headers and "Give your testimony" in text_of(form)
    _testify(witness, mail, {**ANONYMOUS, "charge": str(health)})
    _testify(nurse, mail, {**NAMED, "charge": str(austerity)})
    assert "Kanyama" not in text_of(app.test_client().get(PAGE)), "nothing is public before approval"

    listing = text_of(organiser.get(f"{T}/testimonies"))
    assert listing.index(HIDDEN_NAME) < listing.index("Natasha Phiri"), "the witness at risk comes first"
    assert "At risk" in listing
    anonymous_id, named_id = _testimony_id(app, HIDDEN_EMAIL), _testimony_id(app, "natasha@example.org")
    moderation = f"{T}/testimonies/{anonymous_id}"
    shown = text_of(organiser.get(moderation))
    assert HIDDEN_NAME in shown and HIDDEN_EMAIL in shown, "organisers know who testified"
    approved = _button(organiser, moderation, f"{moderation}/approve")
    assert "Approved" in text_of(approved)

    # The nurse is asked for a change, makes it from her own page, and is approved.
    asked = _button(
        organiser,
        f"{T}/testimonies/{named_id}",
        f"{T}/testimonies/{named_id}/changes",
        {"changes-note": "Please say which district."},
    )
    assert "asked to change it" in text_of(asked)
    request = mail.wait_for_to("natasha@example.org", 2)[-1]
    assert "Please say which district." in request.get_body(preferencelist=("plain",)).get_content()
    [own_page] = [path_of(url) for url in links_in(request) if "/testimony/" in url]
    page = nurse.get(own_page)
    assert "Please say which district." in text_of(page) and "Change my testimony" in text_of(page)
    edited = nurse.post(
        f"{own_page}/edit",
        data={**NAMED, "charge": str(austerity), "account": NAMED["account"] + " In Lusaka district."},
    )
    assert "will read your testimony again" in text_of(edited)
    _button(organiser, f"{T}/testimonies/{named_id}", f"{T}/testimonies/{named_id}/approve")

    public = text_of(app.test_client().get(PAGE))
    assert "Kanyama" in public and "An anonymous witness" in public
    assert "Natasha Phiri" in public and "In Lusaka district." in public, "named as she chose"
    assert "Not upheld" not in public and "finding" not in public.lower()

    # The panel: an existing account gets the role, a new address is invited.
    added = submit(
        organiser,
        f"{T}/panel",
        {"name": "Judge Mumba", "role": "chair", "bio": "Retired high court judge.", "account_email": JUDGE},
    )
    assert added.status_code == 302
    submit(
        organiser,
        f"{T}/panel",
        {"name": "Prof. Lungu", "role": "rapporteur", "account_email": "lungu@uni.example"},
    )
    mail.wait_for_to("lungu@uni.example")
    with app.app_context():
        assert User.by_email(JUDGE).has_role(Role.ASSEMBLY_PANEL, _assembly_id())
    judge = _signed_in(app, JUDGE)
    verdicts = judge.get(f"{T}/verdict")
    assert verdicts.status_code == 200 and "Kanyama" in text_of(verdicts)
    assert HIDDEN_NAME not in verdicts.get_data(as_text=True), "the panel sees the witness as published"
    assert judge.get(f"{T}/testimonies").status_code == 403, "the panel does not moderate"
    for charge_id, finding in ((health, "upheld"), (austerity, "partly_upheld")):
        saved = submit(
            judge,
            f"{T}/verdict/{charge_id}",
            {f"charge-{charge_id}-finding": finding, f"charge-{charge_id}-reasoning": f"Reasons {finding}."},
            page=f"{T}/verdict",
        )
        assert saved.status_code == 302
    assert "Reasons upheld." not in text_of(app.test_client().get(PAGE)), "nothing before publication"
    published = submit(judge, f"{T}/judgment", {"summary": "The debt is odious."}, page=f"{T}/verdict")
    assert published.status_code == 302

    public = text_of(app.test_client().get(PAGE))
    assert "The judgment" in public and "The debt is odious." in public
    assert "The panel's finding: Upheld" in public and "The panel's finding: Partly upheld" in public
    assert public.index("Reasons upheld.") < public.index("Kanyama"), "the testimony under its charge"
    assert "Judge Mumba" in public and "Retired high court judge." in public and "Rapporteur" in public
    _assert_never_revealed(app, mail)


def _assembly_id() -> int:
    from organiser.assemblies.models import Assembly

    return db.session.scalar(select(Assembly.id).where(Assembly.slug == "debt-tribunal"))


def _assert_never_revealed(app, mail) -> None:
    """Every public page, and every e-mail to anyone but the organisers and the witness herself, is
    free of the anonymous witness's name and address; her own e-mails do not carry her name."""
    visitor = app.test_client()
    needles = (HIDDEN_NAME, HIDDEN_EMAIL, "Zebediah", "Quillfeather")
    for url in (PAGE, f"{PAGE}.ics", f"{PAGE}/testify", "/coalitions/fia-zambia", "/"):
        body = visitor.get(url).get_data(as_text=True)
        assert not [n for n in needles if n.lower() in body.lower()], url
    for message in mail.messages:
        recipients = str(message["To"])
        if COORDINATOR in recipients:
            continue
        text = message.as_string()
        found = [n for n in needles if n.lower() in text.lower()]
        if HIDDEN_EMAIL in recipients:
            found = [n for n in found if n not in (HIDDEN_EMAIL, "zq.hidden.witness")]
        assert not found, f"{found} in the e-mail to {recipients}: {message['Subject']}"


def test_a_pseudonym_is_shown_a_rejection_is_explained_and_a_witness_withdraws(tribunal, mail):
    app = tribunal
    organiser = _signed_in(app, COORDINATOR)
    witness = app.test_client()
    refused = witness.post(f"{PAGE}/testify", data={**NAMED, "publication": "pseudonym", "theme": "Water"})
    assert "Enter the name to show instead of yours" in text_of(refused), "a pseudonym is asked for"
    nothing = witness.post(f"{PAGE}/testify", data={**NAMED, "publication": "named"})
    assert "Choose a charge, or name the theme of your testimony" in text_of(nothing)

    data = {**NAMED, "publication": "pseudonym", "pseudonym": "Mama Water", "theme": "Water"}
    confirmed = _testify(witness, mail, data)
    first_id = _testimony_id(app, "natasha@example.org")
    _button(organiser, f"{T}/testimonies/{first_id}", f"{T}/testimonies/{first_id}/approve")
    public = text_of(app.test_client().get(PAGE))
    assert "Mama Water" in public and "Natasha" not in public and "Other testimonies" in public

    _testify(witness, mail, {**NAMED, "theme": "Schools", "account": "Fees came back."}, count=3)
    second_id = _testimony_id(app, "natasha@example.org")
    rejected = _button(
        organiser,
        f"{T}/testimonies/{second_id}",
        f"{T}/testimonies/{second_id}/reject",
        {"reject-note": "It is not about this tribunal."},
    )
    assert "Rejected" in text_of(rejected)
    told = mail.wait_for_to("natasha@example.org", 4)[-1]
    assert "not accepted" in told["Subject"] and "It is not about this tribunal." in told.as_string()
    assert "Fees came back." not in text_of(app.test_client().get(PAGE))

    own_page = confirmed.request.path
    withdrawn = witness.post(f"{own_page}/withdraw")
    assert "Your testimony is withdrawn" in text_of(withdrawn)
    assert "Mama Water" not in text_of(app.test_client().get(PAGE)), "withdrawn, it is no longer public"
    assert witness.get(f"{own_page}/edit").status_code == 200, "no edit once withdrawn: the page again"


def _png_with_exif() -> bytes:
    image = Image.new("RGB", (2400, 1200), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _pdf_with_script() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hi');")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})
    writer.add_metadata({"/Author": "Secret Author"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_files_are_re_encoded_refused_with_a_reason_and_seen_only_by_organisers(tribunal, mail):
    app = tribunal
    organiser = _signed_in(app, COORDINATOR)
    witness = app.test_client()
    bad = witness.post(
        f"{PAGE}/testify",
        data={**NAMED, "theme": "Clinics", "attachments": [(io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")]},
        content_type="multipart/form-data",
    )
    assert "“x.svg”: This file is not an image we can read." in text_of(bad)
    assert "Choose the files again" in text_of(bad)
    too_many = [(io.BytesIO(_png_with_exif()), f"p{i}.jpg") for i in range(4)]
    refused = witness.post(
        f"{PAGE}/testify",
        data={**NAMED, "theme": "Clinics", "attachments": too_many},
        content_type="multipart/form-data",
    )
    assert "Choose at most 3 files." in text_of(refused)
    with app.app_context():
        assert db.session.scalar(select(tm.Testimony.id)) is None, "nothing kept from a refused form"

    files = [
        (io.BytesIO(_png_with_exif()), "../../photo.jpg"),
        (io.BytesIO(_pdf_with_script()), "report.pdf"),
    ]
    sent = witness.post(
        f"{PAGE}/testify",
        data={**NAMED, "theme": "Clinics", "attachments": files},
        content_type="multipart/form-data",
    )
    assert "check your e-mail" in text_of(sent).lower()
    with app.app_context():
        photo, report = db.session.scalars(
            select(tm.TestimonyAttachment).order_by(tm.TestimonyAttachment.id)
        ).all()
        photo_data, report_data = photo.data, report.data
        assert (photo.filename, photo.content_type) == ("photo.jpg", "image/jpeg")
        testimony_id = photo.testimony_id
    image = Image.open(io.BytesIO(photo_data))
    assert max(image.size) == 1600 and b"SecretCameraMaker" not in photo_data, "re-encoded, no metadata"
    rewritten = PdfReader(io.BytesIO(report_data))
    assert len(rewritten.pages) == 1 and b"/JavaScript" in _pdf_with_script()
    assert b"/JavaScript" not in report_data and b"Secret Author" not in report_data, "no script, no metadata"

    url = f"{T}/testimonies/{testimony_id}/files/{photo.id}"
    assert app.test_client().get(url).status_code == 302, "anonymous visitors are sent to sign in"
    download = organiser.get(url)
    assert download.status_code == 200 and download.data == photo_data
    assert download.headers["Cache-Control"] == "private, no-store"


def test_organisers_write_down_a_testimony_given_in_person(tribunal, mail):
    app = tribunal
    organiser = _signed_in(app, COORDINATOR)
    recorded = submit(
        organiser,
        f"{T}/testimonies/new",
        {
            "theme": "Farm subsidies",
            "witness_kind": "frontline",
            "account": "Told at the Chongwe hearing: the fertiliser never came.",
            "publication": "not_public",
            "name": "Mr Banda",
            "email": "banda@example.org",
        },
    )
    assert recorded.status_code == 302, text_of(recorded)
    page = text_of(organiser.get(recorded.location))
    assert "In person or by voice" in page and "Waiting for the organisers" in page
    [told] = mail.wait_for_to("banda@example.org")
    assert "Mr Banda" not in told.as_string() and "/testimony/" in told.as_string()
    _button(organiser, recorded.location, f"{recorded.location}/approve")
    assert "fertiliser" not in text_of(app.test_client().get(PAGE)), "not public, as the witness chose"


def test_a_bot_and_a_flood_are_answered_as_a_person_is_and_nothing_more_is_sent(tribunal, mail):
    app = tribunal
    client = app.test_client()
    bot = client.post(f"{PAGE}/testify", data={**NAMED, "theme": "Water", "website": "http://spam.example"})
    assert "check your e-mail" in text_of(bot).lower()
    for _ in range(5):
        again = client.post(f"{PAGE}/testify", data={**NAMED, "theme": "Water"})
        assert "check your e-mail" in text_of(again).lower()
    mail.wait_for_to("natasha@example.org", 3)
    with app.app_context():
        assert len(db.session.scalars(select(tm.Testimony.id)).all()) == 3, "at most three waiting, no bot's"


def test_testimonies_are_in_the_witness_own_data_and_erased_with_it(tribunal, mail):
    app = tribunal
    organiser = _signed_in(app, COORDINATOR)
    witness = app.test_client()
    _testify(witness, mail, {**ANONYMOUS, "theme": "Clinics"})
    testimony_id = _testimony_id(app, HIDDEN_EMAIL)
    _button(organiser, f"{T}/testimonies/{testimony_id}", f"{T}/testimonies/{testimony_id}/approve")
    [confirm_mail, approved_mail] = mail.wait_for_to(HIDDEN_EMAIL, 2)
    own_page = [path_of(u) for u in links_in(approved_mail) if "/testimony/" in u][0]

    mail.clear()
    submit(witness, "/my-data", {"email": HIDDEN_EMAIL})
    [message] = mail.wait_for(1)
    data_page = path_of(links_in(message)[0])
    assert "Testimonies you gave" in text_of(witness.get(data_page))
    [record] = json.loads(witness.get(f"{data_page}/data.json").get_data(as_text=True))
    [row] = record["actions"]["tribunal_testimonies"]
    assert row["name"] == HIDDEN_NAME and "Kanyama" in row["account"]

    done = submit(witness, f"{data_page}/erase", {})
    assert "Your data is erased" in text_of(done)
    assert "Kanyama" not in text_of(app.test_client().get(PAGE)), "nothing of it stays public"
    assert witness.get(own_page).status_code == 404, "the link dies with the data"
    with app.app_context():
        erased = db.session.get(tm.Testimony, testimony_id)
        assert (erased.name, erased.email, erased.account, erased.status) == ("", "", "", "withdrawn")
    assert re.search("Kanyama", text_of(organiser.get(f"{T}/testimonies/{testimony_id}"))) is None
