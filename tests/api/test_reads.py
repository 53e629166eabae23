"""Each collection in the OSDI shape, paged, as the key's owner sees it."""

from __future__ import annotations

import re

from organiser.api.framework import HAL


def _items(response, rel):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == HAL
    return response.json["_embedded"][f"osdi:{rel}"]


def test_the_entry_point_lists_the_collections_with_the_osdi_curie(api):
    body = api("/", "zambia").json
    assert body["osdi_version"] == "1.1" and body["max_pagesize"] == 100
    assert body["_links"]["curies"][0]["href"] == "https://opensupporter.github.io/osdi-docs/{rel}"
    for name in (
        "people",
        "petitions",
        "advocacy_campaigns",
        "events",
        "tags",
        "coalitions",
        "organisations",
    ):
        assert body["_links"][f"osdi:{name}"]["href"].endswith(f"/api/v1/{name}")
    assert body["organiser:key"]["owner_slug"] == "fia-zambia"


def test_people_are_osdi_shaped_and_paged_with_links(api, world):
    first = api("/people", "zambia", per_page=2)
    body = first.json
    assert (body["total_records"], body["total_pages"], body["page"], body["per_page"]) == (3, 2, 1, 2)
    assert "previous" not in body["_links"] and "page=2" in body["_links"]["next"]["href"]
    person = _items(first, "people")[0]
    assert person["identifiers"] == [f"organiser:{world.tree.people['Chipo Mwale']}"]
    assert person["origin_system"] == "Organiser"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", person["created_date"])
    assert person["given_name"] == "Chipo" and person["family_name"] == "Mwale"
    assert person["email_addresses"] == [
        {"primary": True, "address": "chipo@example.org", "status": "subscribed"}
    ]
    assert person["_links"]["self"]["href"].endswith(f"/api/v1/people/{world.tree.people['Chipo Mwale']}")
    second = api("/people", "zambia", per_page=2, page=2).json
    assert "next" not in second["_links"] and "page=1" in second["_links"]["previous"]["href"]
    everyone = second["_embedded"]["osdi:people"] + _items(first, "people")
    names = {p["organiser:name"] for p in everyone}
    # as on the supporters' page: Mutale never confirmed his signature, María and Ana are not Zambia's
    assert names == {"Chipo Mwale", "Bwalya Phiri", "Lupita Tembo"}
    statuses = {
        p["organiser:name"]: p["email_addresses"][0]["status"] for p in second["_embedded"]["osdi:people"]
    }
    assert "unsubscribed" in statuses.values(), "no consent to the coalition on record"


def test_a_petitions_signatures_link_to_the_person_and_the_petition(api, world):
    petitions = _items(api("/petitions", "zambia"), "petitions")
    assert [p["title"] for p in petitions] == ["Land for those who farm it"]
    signatures_link = petitions[0]["_links"]["osdi:signatures"]["href"]
    assert signatures_link.endswith(f"/api/v1/petitions/{world.tree.petition}/signatures")
    signatures = _items(api(f"/petitions/{world.tree.petition}/signatures", "zambia"), "signatures")
    assert len(signatures) == 3
    chipo = next(
        s
        for s in signatures
        if s["_links"]["osdi:person"]["href"].endswith(f"/people/{world.tree.people['Chipo Mwale']}")
    )
    assert chipo["organiser:state"] == "counted"
    assert chipo["_links"]["osdi:petition"]["href"].endswith(f"/petitions/{world.tree.petition}")
    one = api(
        f"/petitions/{world.tree.petition}/signatures/{chipo['identifiers'][0].split(':')[1]}", "zambia"
    )
    assert one.status_code == 200 and one.json["organiser:state"] == "counted"


def test_letters_assemblies_tags_coalitions_and_organisations(api, world):
    campaign = _items(api("/advocacy_campaigns", "zambia"), "advocacy_campaigns")[0]
    letters = _items(api(f"/advocacy_campaigns/{world.tree.campaign}/outreaches", "zambia"), "outreaches")
    assert campaign["title"] == "Write to the Minister" and letters[0]["organiser:status"] == "sent"
    event = _items(api("/events", "zambia"), "events")[0]
    assert event["title"] == "Lusaka People's Assembly" and event["start_date"].endswith("Z")
    attendances = _items(api(f"/events/{world.tree.assembly}/attendances", "zambia"), "attendances")
    assert [a["status"] for a in attendances] == ["accepted"]
    tags = _items(api("/tags", "zambia"), "tags")
    assert [t["name"] for t in tags] == ["volunteer"]
    taggings = _items(api(f"/tags/{world.tag}/taggings", "zambia"), "taggings")
    assert taggings[0]["_links"]["osdi:person"]["href"].endswith(
        f"/people/{world.tree.people['Chipo Mwale']}"
    )
    coalitions = {c["slug"]: c for c in _items(api("/coalitions", "fia"), "coalitions")}
    assert set(coalitions) == {"fia", "fia-zambia", "fia-mexico"}
    assert coalitions["fia-zambia"]["is_chapter"] is True
    assert coalitions["fia-zambia"]["_links"]["organiser:parent"]["href"].endswith(
        f"/coalitions/{world.tree.fia}"
    )
    assert "organiser:parent" not in coalitions["fia"]["_links"]
    assert [o["slug"] for o in _items(api("/organisations", "zambia"), "organisations")] == ["zla"]


def test_filters_on_dates_and_on_the_email_address(api):
    found = _items(api("/people", "fia", filter="email_address eq 'Chipo@Example.org'"), "people")
    assert [p["organiser:name"] for p in found] == ["Chipo Mwale"]
    assert api("/people", "fia", filter="modified_date gt '2000-01-01'").json["total_records"] == 6
    assert api("/people", "fia", filter="modified_date lt '2000-01-01'").json["total_records"] == 0
    both = "modified_date gt '2000-01-01T00:00:00Z' and email_address eq 'ana@example.org'"
    assert api("/people", "fia", filter=both).json["total_records"] == 1
    bad = api("/people", "fia", filter="name eq 'Ana'")
    assert bad.status_code == 400 and "filter" in bad.json["errors"]
    assert api("/people", "fia", filter="modified_date gt 'yesterday'").json["errors"]["filter"]


def test_following_the_next_links_reads_everyone_once(api, world):
    from urllib.parse import parse_qs, urlsplit

    seen, params = [], {"per_page": 2}
    while True:
        body = api("/people", "fia", **params).json
        seen += [p["identifiers"][0] for p in body["_embedded"]["osdi:people"]]
        if "next" not in body["_links"]:
            break
        query = parse_qs(urlsplit(body["_links"]["next"]["href"]).query)
        params = {name: values[0] for name, values in query.items()}
        assert "after" in params, "the next link pages by the last id"
    assert len(seen) == len(set(seen)) == 6 and body["page"] == 3
