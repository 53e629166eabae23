"""A filter saved as a segment: the mailing form offers it, counts its recipients, and keeps only
those whose consent covers the sender — exactly as for every other segment. The segment can only
narrow: it is drawn from the coalition's own people, and another coalition's mailing gets nobody."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from sqlalchemy import select

from organiser.db import db
from organiser.messaging.models import Mailing
from organiser.messaging.services.audiences import audience_counts, consenting_people
from organiser.supporters.models import SavedSegment
from tests.factories import MailingFactory
from tests.helpers import submit, text_of
from tests.supporters.pages import segment_value


def _save(client, slug: str, filters: dict[str, str], name: str):
    query = f"?{urlencode(filters)}"
    return submit(
        client,
        f"/coalitions/{slug}/supporters/segments{query}",
        {"name": name},
        page=f"/coalitions/{slug}/supporters{query}",
        follow=True,
    )


def test_a_saved_filter_is_a_segment_the_mailing_form_counts_with_consent(app, tree, as_user):
    zambia = as_user("zambia")
    saved = _save(zambia, "fia-zambia", {"action": f"petition:{tree.petition}"}, "Signed the land petition")
    assert "Saved as the segment “Signed the land petition”" in text_of(saved)
    assert "Saved segments" in text_of(saved)
    form_page = zambia.get("/coalitions/fia-zambia/mailings/new").get_data(as_text=True)
    value = segment_value(form_page, "Saved segment: Signed the land petition")
    assert json.loads(value)["kind"] == "supporter_segment"
    made = submit(
        zambia,
        "/coalitions/fia-zambia/mailings/new",
        {"subject": "The land petition", "segments": value, "body_markdown": "Dear {{ name }}, thank you."},
        follow=True,
    )
    # Chipo and Lupita signed; only Chipo agrees to hear from FIA Zambia.
    assert "1 person will get it." in text_of(made)
    with app.app_context():
        mailing = db.session.scalar(select(Mailing))
        assert [row.email for row in db.session.execute(consenting_people(mailing))] == ["chipo@example.org"]
        assert audience_counts(mailing) == (1, 0)


def test_the_segment_never_reaches_beyond_its_coalition(app, tree, as_user):
    _save(as_user("zambia"), "fia-zambia", {}, "Everyone here")
    with app.app_context():
        segment = db.session.scalar(select(SavedSegment))
        spec = [{"kind": "supporter_segment", "params": {"segment_id": segment.id}}]
        mexican = MailingFactory(coalition_id=tree.mexico, segments=spec)
        assert audience_counts(mexican) == (0, 0), "another coalition's segment holds nobody for it"
        own = MailingFactory(coalition_id=tree.zambia, segments=spec)
        # Zambia's people (Chipo, Bwalya, Lupita) who agree to hear from FIA Zambia.
        assert audience_counts(own) == (2, 0)
        gone = MailingFactory(
            coalition_id=tree.zambia,
            segments=[{"kind": "supporter_segment", "params": {"segment_id": 2**40}}],
        )
        assert audience_counts(gone) == (0, 0)
    assert "Saved segment: Everyone here" not in as_user("mexico").get(
        "/coalitions/fia-mexico/mailings/new"
    ).get_data(as_text=True)


def test_a_segment_name_is_answered_next_to_its_field_and_a_segment_can_be_deleted(app, tree, as_user):
    zambia = as_user("zambia")
    _save(zambia, "fia-zambia", {}, "Everyone here")
    again = _save(zambia, "fia-zambia", {"country": "ZM"}, "Everyone here")
    assert "There is a segment of that name already" in text_of(again)
    assert "error-message" in again.get_data(as_text=True)
    empty = _save(zambia, "fia-zambia", {}, "  ")
    assert "Enter a name for the segment" in text_of(empty)
    bad_filters = _save(zambia, "fia-zambia", {"joined_from": "yesterday"}, "Bad")
    assert "Enter a real date" in text_of(bad_filters)
    with app.app_context():
        segment_id = db.session.scalar(select(SavedSegment.id))
        assert db.session.scalar(select(SavedSegment.name).where(SavedSegment.name == "Bad")) is None
    assert (
        submit(
            as_user("mexico"),
            f"/coalitions/fia-mexico/supporters/segments/{segment_id}/delete",
            {},
            page="/coalitions/fia-mexico/supporters",
        ).status_code
        == 404
    )
    deleted = submit(
        zambia,
        f"/coalitions/fia-zambia/supporters/segments/{segment_id}/delete",
        {},
        page="/coalitions/fia-zambia/supporters",
        follow=True,
    )
    assert "The segment “Everyone here” is deleted." in text_of(deleted)
