"""Generated bad URLs (path segments, huge and negative ids, query parameters) for every route, and
generated JSON for the relay's bounce webhook, on PostgreSQL and SQLite: never a 5xx."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.attack import values
from tests.attack.attempts import EXAMPLES, SETTINGS, database_state, known_holes, stored_controls
from tests.attack.test_route_roles import ALLOWED, EXPECTED, LAST, _tries

URL_EXAMPLES = EXAMPLES * 5  # generated URLs per role

# ---- URLs: path segments, ids and query parameters -------------------------------------------------

QUERY_KEYS = ["source", "q", "lang", "next", "domain", "ip", "type", "country", "utm_source", "page", "id"]
QUERY_KEYS += ["slug", "token", "fmt", "membership_id", "message_id"]  # a route's own argument names
QUERY_KEYS += ["kind", "actions-kind", "actions-chapter", "actions-country", "actions-page"]  # hub filters
QUERY_KEYS += ["actions-outcomes-page"]
_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _url_with(rule_text: str, args: dict[str, str], query: dict[str, str]) -> str:
    url = _ARG.sub(lambda m: quote(args[m.group(2)], safe=""), rule_text)
    return url + ("?" + urlencode(query) if query else "")


def _routes(app: Flask, role: str) -> list[tuple[str, str, str, dict[str, str]]]:
    """(method, endpoint, rule, URL arguments) of every route ``role`` may use."""
    found = []
    for method, endpoint, rule in _tries(app):
        for each in EXPECTED[endpoint]:
            if role in ALLOWED[each.who] and endpoint not in LAST:
                found.append((method, endpoint, rule.rule, dict(each.args)))
    return found


# Control characters in a segment: test_a_control_character_in_a_url_segment_matches_no_route.
segment_values = st.one_of(values.bad_values, st.sampled_from(["%00", "..", ".", "%2F", "0", "-1"])).filter(
    lambda v: not values.CONTROL_RE.search(v)
)


@pytest.mark.parametrize("role", ["anonymous", "platform_admin"])
def test_every_route_takes_generated_bad_urls(app, world, clients, role):
    client, routes = clients(role), _routes(app, role)

    @settings(SETTINGS, max_examples=URL_EXAMPLES)
    @given(data=st.data())
    def generated(data: st.DataObject) -> None:
        method, endpoint, rule_text, names = data.draw(st.sampled_from(routes), label="route")
        args = {name: str(getattr(world, attribute)) for name, attribute in names.items()}
        if method == "POST" and not args:
            return  # a POST with no object in its URL would only act: the form tests cover it
        names_ = (
            st.sets(st.sampled_from(sorted(args)), min_size=1 if method == "POST" else 0)
            if args
            else st.just(set())
        )
        spoilt = data.draw(names_, label="spoilt")
        for name in spoilt:
            args[name] = data.draw(segment_values, label=name)
        own = set(names)  # a parameter named like the route's own argument: test_a_query_parameter_…
        keys = data.draw(
            st.lists(st.sampled_from([k for k in QUERY_KEYS if k not in own]), max_size=3, unique=True)
        )
        query = {key: data.draw(values.bad_values, label=key) for key in keys}
        url = _url_with(rule_text, args, query)
        status = _status(client, method, url)
        assert status < 500, f"{method} {url} ({endpoint}): {status}"

    generated()


def _status(client, method: str, url: str) -> int:
    """The answer's status; an exception that escaped the app (its error page failed too) is a 500."""
    try:
        return client.open(
            url, method=method, data={"csrf_token": client.csrf} if method == "POST" else None
        ).status_code
    except Exception:  # noqa: BLE001 (whatever escapes, the person gets a bare 500)
        return 500


@pytest.mark.parametrize("role", ["anonymous", "platform_admin"])
def test_a_query_parameter_named_like_a_url_argument_is_harmless(request, app, world, clients, role):
    """``/petitions/<slug>?slug=x``: the page is what it is without the parameter (tried on every
    route with an argument, each argument in turn, with a value and an empty one)."""
    known_holes(request, app, "query-clash")
    client, problems = clients(role), []
    for method, endpoint, rule_text, names in _routes(app, role):
        args = {name: str(getattr(world, attribute)) for name, attribute in names.items()}
        for name in names:
            if method == "POST":
                continue  # a POST here would act; the GET shows the page (and its language links)
            for value in ("x", ""):
                url = _url_with(rule_text, args, {name: value})
                status = _status(client, method, url)
                if status >= 500:
                    problems.append(f"{method} {url} ({endpoint}): {status}")
    assert not problems, "\n".join(problems)


def test_a_control_character_in_a_url_segment_matches_no_route(request, app, world, clients):
    """What organiser/inputs.py promises: a URL segment with a control character is a 404, whatever
    the route (tried on each text segment of every route, as the platform admin, who may use all)."""
    known_holes(request, app, "segments")  # closed: the converter matched a control character
    client, problems = clients("platform_admin"), []
    for method, endpoint, rule_text, names in _routes(app, "platform_admin"):
        args = {name: str(getattr(world, attribute)) for name, attribute in names.items()}
        for name in (n for n in names if f"<int:{n}>" not in rule_text):
            for control in ("\x00", "\x1b", "\x85"):
                spoilt = {**args, name: args[name][:4] + control + args[name][4:]}
                url = _url_with(rule_text, spoilt, {})
                status = _status(client, method, url)
                if status != 404:
                    problems.append(f"{method} {url} ({endpoint}): {status}")
    assert not problems, "\n".join(problems)


# ---- JSON: the relay's bounce webhook ---------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), values.bad_values),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(values.texts, inner, max_size=3),
    max_leaves=8,
)
bounce_events = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(
            values.bad_values, values.bad_values.map(lambda v: v + "@example.org"), json_values
        ),
        "type": st.one_of(st.sampled_from(["hard", "soft", "complaint", "HARD"]), json_values),
        "detail": json_values,
    },
)


@pytest.fixture
def webhook_secret(app: Flask) -> Iterator[str]:
    app.config["BOUNCE_WEBHOOK_SECRET"] = "relay-secret"  # noqa: S105
    try:
        yield "relay-secret"
    finally:
        app.config["BOUNCE_WEBHOOK_SECRET"] = None


WEBHOOK_TRIES = [  # once a 500 on PostgreSQL (too long for the column, or a NUL), a NUL stored on SQLite
    {"email": "x" * 400 + "@example.org", "type": "hard"},
    {"email": "a\x00@example.org", "type": "hard"},
    {"email": "a@example.org", "type": "hard", "detail": "\x00"},
]


def test_the_bounce_webhook_takes_generated_json(request, app, world, webhook_secret):
    """Bounces from the relay: any JSON is answered (2xx or 4xx, never 5xx) and stores no control."""
    known_holes(request, app, "webhook")
    client = app.test_client()

    def send(payload: object) -> str | None:
        before = database_state(app)
        response = client.post(
            "/webhooks/bounces",
            data=json.dumps(payload),
            content_type="application/json",
            headers={"Authorization": f"Bearer {webhook_secret}"},
        )
        sent = f"POST /webhooks/bounces {json.dumps(payload)[:300]}"
        if response.status_code >= 500:
            return f"{sent}: {response.status_code}"
        stored = stored_controls(before, database_state(app))
        return f"{sent}: stored a control character: {stored[0]}" if stored else None

    problems = [p for p in map(send, WEBHOOK_TRIES) if p]

    @settings(SETTINGS, max_examples=40)
    @given(
        payload=st.one_of(
            bounce_events, st.fixed_dictionaries({"events": st.lists(bounce_events)}), json_values
        )
    )  # noqa: E501
    def generated(payload: object) -> None:
        problem = send(payload)
        assert problem is None, problem

    assert not problems, "\n".join(problems)
    generated()
