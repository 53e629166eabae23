"""The API against its own OpenAPI document, with schemathesis, on PostgreSQL: no server error, every
answer's status, headers, content type and body as the document says, data outside the document
refused, and no answer without a key.

Each operation is tried with values the document allows (at random, and on the world's real objects)
and with values it does not. (The cases are drawn here with ``operation.as_strategy()``:
``schemathesis.pytest.from_fixture`` does not run under pytest 9, which removed ``Function._nodeid``.)"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode

from organiser.api.registry import OPERATIONS, REGISTRY
from tests.api.conftest import HEADER, ApiWorld

EXAMPLES = 6  # per operation and kind of data: the whole run stays under a minute


def _real_ids(world: ApiWorld, path: str) -> dict[str, int]:
    """Path parameters naming real objects of the world (so the cases reach past the 404s)."""
    parents = {
        "petitions": world.tree.petition,
        "advocacy_campaigns": world.tree.campaign,
        "events": world.tree.assembly,
        "tags": world.tag,
    }
    ids: dict[str, int] = {}
    for name, parent_id in parents.items():
        if path.startswith(f"/api/v1/{name}/{{parent_id}}"):
            ids["parent_id"] = parent_id
    return ids


def _run(operation, world: ApiWorld, mode: GenerationMode, path_parameters: dict[str, int] | None) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        # A parameter whose value is an empty list is not sent at all: the request the check thinks
        # invalid (an unknown parameter) is a valid one on the wire.
        assume(all(value != [] for value in (case.query or {}).values()))
        case.call_and_validate(headers={HEADER: world.keys["fia"]})

    check()


def test_the_api_answers_as_its_openapi_document_says(app: Flask, world: ApiWorld, config_override):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("schemathesis runs against PostgreSQL (the production database)")
    config_override(API_RATE_LIMIT="100000 per minute")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    others = sum(len(methods) for methods in OPERATIONS.values())
    assert len(operations) == 1 + 2 * len(REGISTRY) + others  # the entry point, each list and item, the rest
    for operation in operations:
        _run(operation, world, GenerationMode.POSITIVE, None)
        _run(operation, world, GenerationMode.NEGATIVE, None)
        if real := _real_ids(world, operation.path):
            _run(operation, world, GenerationMode.POSITIVE, real)


def test_the_document_describes_every_route_of_the_api(app: Flask):
    document = app.test_client().get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"][HEADER] == {
        "type": "apiKey",
        "in": "header",
        "name": HEADER,
    }
    routes = {
        str(rule).replace("<int(min=1, max=2147483647):", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
    }
    assert routes == set(document["paths"])
