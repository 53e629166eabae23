"""Tags through the pages: made per coalition tree, put on everyone a filter matches (and taken off)
in one go, within what the coordinator sees; on one person; seen by the coalition that made them,
the alliance above and the chapters below, never a sibling chapter."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import func, select

from organiser.db import db
from organiser.people.models import PersonTag, Tag
from tests.helpers import csrf_token, submit, text_of
from tests.supporters.pages import listed


def _tagged(app, name: str) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(PersonTag.person_id).join(Tag, Tag.id == PersonTag.tag_id).where(Tag.name == name)
            )
        )


def _tag_matching(client, slug: str, filters: dict[str, str], **data: str):
    query = f"?{urlencode(filters)}" if filters else ""
    page = f"/coalitions/{slug}/supporters{query}"
    return submit(client, f"/coalitions/{slug}/supporters/tag{query}", data, page=page, follow=True)


def test_tag_everyone_a_filter_matches_once_and_take_it_off(app, tree, as_user):
    zambia = as_user("zambia")
    signed = {"action": f"petition:{tree.petition}"}
    done = _tag_matching(zambia, "fia-zambia", signed, new_tag="  Land   defenders ", do="add")
    assert "“Land defenders” put on 2 more people." in text_of(done)
    people = tree.people
    assert _tagged(app, "Land defenders") == {people["Chipo Mwale"], people["Lupita Tembo"]}
    with app.app_context():
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "Land defenders"))
    again = _tag_matching(zambia, "fia-zambia", signed, tag=str(tag_id), do="add")
    assert "put on 0 more people" in text_of(again), "a second time changes nothing"
    assert len(_tagged(app, "Land defenders")) == 2
    by_tag = zambia.get(f"/coalitions/fia-zambia/supporters?tag={tag_id}")
    assert sorted(listed(by_tag)) == ["Chipo Mwale", "Lupita Tembo"]
    # Typed again in another case, the name is the same tag.
    same = _tag_matching(zambia, "fia-zambia", {"q": "bwalya"}, new_tag="land DEFENDERS", do="add")
    assert "“Land defenders” put on 1 more person." in text_of(same)
    off = _tag_matching(zambia, "fia-zambia", {"region": "lusaka"}, tag=str(tag_id), do="remove")
    assert "“Land defenders” taken off 1 person." in text_of(off)
    assert _tagged(app, "Land defenders") == {people["Lupita Tembo"], people["Bwalya Phiri"]}


def test_tagging_everyone_touches_only_the_people_in_view(app, tree, as_user):
    alliance, zambia = as_user("alliance"), as_user("zambia")
    assert "put on 6 more people" in text_of(
        _tag_matching(alliance, "fia", {}, new_tag="Newsletter", do="add")
    )
    with app.app_context():
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "Newsletter"))
    # Zambia may use the alliance's tag, on its own people only.
    off = _tag_matching(zambia, "fia-zambia", {}, tag=str(tag_id), do="remove")
    assert "taken off 3 people" in text_of(off)
    assert _tagged(app, "Newsletter") == {
        tree.people[n] for n in ("Mutale Banda", "María López", "Ana Silva")
    }


def test_the_tag_form_answers_next_to_its_field(app, tree, as_user):
    zambia = as_user("zambia")
    empty = _tag_matching(zambia, "fia-zambia", {}, new_tag="", do="add")
    assert "Choose a tag, or name a new one" in text_of(empty)
    assert "Error:" in empty.get_data(as_text=True).split("</title>")[0]
    too_long = _tag_matching(zambia, "fia-zambia", {}, new_tag="x" * 61, do="add")
    assert "Use at most 60 characters" in text_of(too_long)
    filters = _tag_matching(zambia, "fia-zambia", {"country": "XX"}, new_tag="Ok", do="add")
    assert "Choose one of the options" in text_of(filters)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PersonTag)) == 0


def test_tags_are_seen_in_their_coalition_above_and_below_never_by_a_sibling(app, tree, as_user):
    zambia, mexico, alliance = as_user("zambia"), as_user("mexico"), as_user("alliance")
    made = submit(zambia, "/coalitions/fia-zambia/tags", {"name": "Volunteer"}, follow=True)
    assert "The tag “Volunteer” is ready to use." in text_of(made)
    submit(alliance, "/coalitions/fia/tags", {"name": "Donor"})
    with app.app_context():
        ids = dict(db.session.execute(select(Tag.name, Tag.id)).all())
    assert "Volunteer" in text_of(alliance.get("/coalitions/fia/tags"))
    mexican = text_of(mexico.get("/coalitions/fia-mexico/tags"))
    assert "Volunteer" not in mexican and "Donor" in mexican
    taken = submit(mexico, "/coalitions/fia-mexico/tags", {"name": "volunteer"})
    assert "Another chapter has a tag of that name" in text_of(taken)
    assert mexico.get(f"/coalitions/fia-mexico/supporters?tag={ids['Volunteer']}").status_code == 200
    assert "error-summary" in mexico.get(
        f"/coalitions/fia-mexico/supporters?tag={ids['Volunteer']}"
    ).get_data(as_text=True), "a sibling's tag is no filter there"
    token_page = zambia.get("/coalitions/fia-zambia/tags").get_data(as_text=True)
    assert f"/tags/{ids['Donor']}/delete" not in token_page, "the alliance's tag is not Zambia's to delete"
    token = csrf_token(token_page)
    assert (
        zambia.post(
            f"/coalitions/fia-zambia/tags/{ids['Donor']}/delete", data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert mexico.post(
        f"/coalitions/fia-mexico/tags/{ids['Volunteer']}/delete", data={"csrf_token": token}
    ).status_code in (
        400,
        404,
    )
    _tag_matching(zambia, "fia-zambia", {}, tag=str(ids["Volunteer"]), do="add")
    gone = submit(
        alliance,
        f"/coalitions/fia/tags/{ids['Volunteer']}/delete",
        {},
        page="/coalitions/fia/tags",
        follow=True,
    )
    assert "The tag “Volunteer” is deleted." in text_of(gone)
    assert _tagged(app, "Volunteer") == set()


def test_a_tag_on_one_person_from_their_page(app, tree, as_user):
    zambia = as_user("zambia")
    chipo = tree.people["Chipo Mwale"]
    page = f"/coalitions/fia-zambia/supporters/{chipo}"
    tagged = submit(zambia, f"{page}/tags", {"new_tag": "Spoke in Lusaka"}, page=page, follow=True)
    assert "Tagged “Spoke in Lusaka”." in text_of(tagged)
    assert "Spoke in Lusaka" in text_of(zambia.get(page))
    with app.app_context():
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "Spoke in Lusaka"))
    assert _tagged(app, "Spoke in Lusaka") == {chipo}
    removed = submit(zambia, f"{page}/tags/{tag_id}/remove", {}, page=page, follow=True)
    assert "“Spoke in Lusaka” taken off." in text_of(removed)
    assert _tagged(app, "Spoke in Lusaka") == set()
    refused = submit(zambia, f"{page}/tags", {"tag": "", "new_tag": ""}, page=page)
    assert refused.status_code == 200 and "Choose a tag, or name a new one" in text_of(refused)
