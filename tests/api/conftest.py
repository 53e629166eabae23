"""The API's world: the supporters' tree (FIA with its Zambian and Mexican chapters, Zambia Land
Alliance a member of the Zambian chapter, and their people; tests/supporters/conftest.py), a tag on
Chipo, another alliance (SIA), and a key for each of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from organiser.api.keys import create_key
from organiser.coalitions.models import Coalition, Organisation
from organiser.db import db
from organiser.people.models import PersonTag, Tag
from tests.factories import CoalitionFactory
from tests.supporters.conftest import Tree, build_tree

HEADER = "OSDI-API-Token"


@dataclass
class ApiWorld:
    tree: Tree
    sia: int = 0
    tag: int = 0
    keys: dict[str, str] = field(default_factory=dict)  # "fia", "zambia", "mexico", "zla", "sia" → key


def build_world() -> ApiWorld:
    tree = build_tree()
    world = ApiWorld(tree)
    world.sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB").id
    tag = Tag(tree_id=tree.fia, coalition_id=tree.zambia, name="volunteer")
    db.session.add(tag)
    db.session.flush()
    db.session.add(PersonTag(tag_id=tag.id, person_id=tree.people["Chipo Mwale"]))
    world.tag = tag.id
    for name, coalition_id in (
        ("fia", tree.fia),
        ("zambia", tree.zambia),
        ("mexico", tree.mexico),
        ("sia", world.sia),
    ):
        world.keys[name] = create_key(db.session.get(Coalition, coalition_id), f"{name} key")[1]
    world.keys["zla"] = create_key(db.session.get(Organisation, tree.zla), "ZLA's CRM")[1]
    return world


@pytest.fixture
def world(app: Flask) -> ApiWorld:
    with app.app_context():
        built = build_world()
        db.session.commit()
    return built


@pytest.fixture
def api(app: Flask, world: ApiWorld) -> Callable[..., TestResponse]:
    """``api("/people", "zambia", per_page=2)``: a GET under /api/v1 with that key."""
    client = app.test_client()

    def get(path: str, key: str | None = None, **params: object) -> TestResponse:
        headers = {HEADER: world.keys.get(key, key)} if key else {}
        return client.get(f"/api/v1{path}", headers=headers, query_string=params)

    return get
