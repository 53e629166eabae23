"""Submitting a form as a person would, and judging the answer: never a 5xx; a refused submission
stores nothing; an accepted one stores no control character and shows what it stored (``SHOWN_BACK``)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, settings
from sqlalchemy import select

from organiser.db import db
from organiser.models import metadata
from tests.attack import values
from tests.attack.conftest import World
from tests.attack.holes import FOUND, OPEN
from tests.attack.pages import Field, Form, Page, fold, path, read

# Generated submissions per form page (each page also gets the tricky-value pass and the known
# holes' reproductions first). ORGANISER_ATTACK_EXAMPLES raises it for a long hunt.
EXAMPLES = int(os.environ.get("ORGANISER_ATTACK_EXAMPLES", "15"))
# No shrinking: each try costs a few requests, and the message names the field and the value sent.
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


MAILING = {"subject", "from_name", "reply_to", "body_markdown"}
ASSEMBLY = {"title", "description", "timezone", "venue", "online_url", "accessibility"}
SHOWN_BACK: dict[str, tuple[set[str], tuple[str, ...]]] = {
    "coalitions.edit_organisation": ({"name", "region", "website", "description"}, ("form",)),
    "api_keys.coalition_keys": ({"name"}, ("next", "form")),
    "api_keys.organisation_keys": ({"name"}, ("next", "form")),
    "messaging.edit_mailing": (MAILING, ("form",)),
    "coalitions.new_mailing": (MAILING, ("edit",)),
    "petitions.organisation_new_mailing": (MAILING, ("edit",)),
    "assemblies.edit": (ASSEMBLY, ("form",)),
    "assemblies.new": (ASSEMBLY, ("edit",)),
    "assemblies.agenda": ({"title", "description"}, ("next",)),
    "assemblies.add_speaker": ({"name", "organisation", "role"}, ("next",)),
    "assemblies.questions": ({"label", "hint"}, ("next",)),
    "assemblies.edit_question": ({"label", "hint"}, ("form",)),
    "assemblies.closing_report": ({"summary"}, ("next", "form")),
    "dayof.walk_in": ({"name", "region", "language"}, ("next",)),
    "demands.manage": ({"text", "addressed_to", "theme"}, ("next",)),
    "demands.edit": ({"text", "addressed_to", "theme"}, ("next",)),
    "demands.outcome": ({"note"}, ("next",)),
    "petitions.new_petition": ({"title", "ask", "background", "target"}, ("next",)),
    "petitions.edit_petition": ({"title", "ask", "background", "target"}, ("next", "form")),
    "letters.new_campaign": ({"title", "intro", "subject", "body"}, ("next",)),
    "letters.edit_campaign": ({"title", "intro", "subject", "body"}, ("next", "form")),
    "letters.responses": ({"text"}, ("next",)),
    "targets.coalition_targets": ({"name", "role", "body", "region", "email"}, ("next",)),
    "petitions.invalidate_signatures": ({"reason"}, ("next",)),
    "petitions.sign": ({"email"}, ("next",)),
    "letters.write": ({"email"}, ("next",)),
    "assemblies.register": ({"email"}, ("next",)),
    "coalitions.join": ({"contact_email"}, ("next",)),
    "privacy.request_link": ({"email"}, ("next",)),
    "core.forgot_password": ({"email"}, ("next",)),
    "coalitions.team": ({"email"}, ("next",)),
    "coalitions.organisation_team": ({"email"}, ("next",)),
    "core.admin": ({"email"}, ("next",)),
    "tribunals.charges": ({"title", "accused", "at_stake", "description"}, ("next",)),
    "tribunals.edit_charge": ({"title", "accused", "at_stake", "description"}, ("next",)),
    "tribunals.new_testimony": ({"account", "name"}, ("next",)),
    "tribunals.request_changes": ({"changes-note"}, ("next",)),
    "tribunals.panel": ({"name", "bio"}, ("next",)),
    "tribunals.testify": ({"email"}, ("next",)),
    "community.start": ({"email"}, ("next",)),
    "community.support": ({"email"}, ("next",)),
    "community.edit": ({"title", "ask", "background", "target_name"}, ("next",)),
    "community.updates": ({"subject"}, ("next",)),
    "community.reject": ({"note"}, ("next",)),
    "thresholds.thresholds": ({"details"}, ("next",)),
    "supporters.add_note": ({"body"}, ("next",)),
    "supporters.tag_person": ({"new_tag"}, ("next",)),
    "supporters.tag_matching": ({"new_tag"}, ("next",)),
    "supporters.save_segment": ({"name"}, ("next",)),
    "supporters.tags": ({"name"}, ("next",)),
    "coalitions.people_import_consent": ({"wording", "agreed_where"}, ("next",)),
}
IGNORED_COLUMNS = {("users", "last_sign_in_at"), ("users", "password_hash")}  # rehashes on sign-in

State = dict[str, list[tuple[object, ...]]]


def database_state(app: Flask) -> State:
    """Every row of every table: a refused submission must leave it as it was."""
    state = {}
    with app.app_context():
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
            state[table.name] = sorted((tuple(row) for row in db.session.execute(select(*columns))), key=repr)
    return state


def stored_controls(before: State, after: State) -> list[str]:
    """New rows holding a control character other than tab and newline: nothing should store one."""
    found = []
    for table, rows in after.items():
        old = {repr(row) for row in before.get(table, [])}
        found += [f"{table}: {row!r}"[:300] for row in rows if repr(row) not in old and _has_control(row)]
    return found


def _has_control(value: object) -> bool:
    if isinstance(value, str):
        return bool(values.STORED_CONTROL_RE.search(value))
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_control(v) for v in value)
    return False


def endpoint_of(app: Flask, url: str, method: str = "POST") -> str:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(urlsplit(url).path, method=method)
    except Exception:  # noqa: BLE001 (a form posting somewhere odd is reported by its endpoint "?")
        return "?"
    return endpoint


def post_form(
    client: FlaskClient, form: Form, data: dict[str, list[str]], files: dict[str, bytes], header: str = ""
) -> object:
    """POST as a browser does: every file input sends a part (an empty one when no file is chosen)."""
    body: dict[str, object] = {k: v if len(v) != 1 else v[0] for k, v in data.items()}
    for f in form.fields:
        if f.kind == "file":
            content = files.get(f.name)
            body[f.name] = (io.BytesIO(content or b""), "upload.csv" if content is not None else "")
    headers = {"Referer": header or "https://example.org/shared", "User-Agent": header or "Mozilla/5.0"}
    environ = {"REMOTE_ADDR": values.unique_ip()}
    return client.post(path(form.action), data=body, headers=headers, environ_base=environ)


@dataclass
class Attempt:
    app: Flask
    world: World
    client: FlaskClient
    page: Page  # the page the form came from
    read_back: int = 0  # accepted submissions whose value was looked for where it is shown

    def submit(self, form: Form, name: str, value: str, header: str = "") -> list[str]:
        """Send ``form`` with ``value`` in field ``name``; the problems seen (empty: none)."""
        data, files = values.baseline(form), {}
        field = (form.named(name) or [Field(name, "hidden")])[0]  # a hidden field some links add
        if field.kind == "file":
            files[name] = value.encode("utf-8", "surrogatepass")
        else:
            data[name] = [value]
        action = endpoint_of(self.app, form.action)
        where = f"POST {path(form.action)} ({action}) with {name}={value[:200]!r}"
        if header:
            where += f" and Referer, User-Agent: {header[:200]!r}"
        before = database_state(self.app)
        response = post_form(self.client, form, data, files, header)
        if response.status_code >= 500:
            return [f"{where}: {response.status_code}"]
        answer, problems = self._follow(response, form, where)
        if problems:
            return problems
        after = database_state(self.app)
        if answer.refused or response.status_code >= 400:
            return (
                [f"{where}: refused ({response.status_code}), yet the database changed"]
                if after != before
                else []
            )
        stored = stored_controls(before, after)
        if stored:
            return [f"{where}: stored a control character: {stored[0]}"]
        return self._shown_back(action, form, name, value, answer, where)

    def _follow(
        self, response: object, form: Form, where: str, confirm: bool = True
    ) -> tuple[Page, list[str]]:
        """The page the answer leads to. An answer that is a confirmation step (a form back to the same
        address with hidden fields only: an import's preview, an invalidation's count) is confirmed."""
        location = response.headers.get("Location")
        if location:
            refused = "error" in _flashed(self.client)
            answer = read(self.client.get(path(location)), location)
            answer.refused = answer.refused or refused
            return answer, [f"{where}: led to a {answer.status}"] if answer.status >= 500 else []
        answer = read(response, form.action)
        steps = [f for f in answer.forms if f.method == "POST" and path(f.action) == path(form.action)]
        if confirm and steps and not _visible(steps[0]):
            confirmed = post_form(self.client, steps[0], values.baseline(steps[0]), {})
            if confirmed.status_code >= 500:
                return answer, [f"{where}, then confirmed: {confirmed.status_code}"]
            return self._follow(confirmed, steps[0], where, confirm=False)
        return answer, []

    def _shown_back(
        self, action: str, form: Form, name: str, value: str, answer: Page, where: str
    ) -> list[str]:
        fields, pages = SHOWN_BACK.get(action, (set(), ()))
        if name not in fields:
            return []
        expected = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not expected:
            return []
        self.read_back += 1
        shown = []
        for kind in pages:
            if kind == "next":
                shown.append(answer)
            else:
                url = self.page.url if kind == "form" else urlsplit(answer.url).path.rstrip("/") + "/edit"
                shown.append(read(self.client.get(path(url)), url))
        if any(_shows(page, expected, form.named(name)[0].kind == "email") for page in shown):
            return []
        return [f"{where}: accepted, but {[p.url for p in shown]} do not show {expected[:200]!r}"]


def _flashed(client: FlaskClient) -> set[str]:
    """The categories of the messages waiting for the next page (read without taking them)."""
    with client.session_transaction() as session:
        return {category for category, _message in session.get("_flashes", [])}


def _visible(form: Form) -> bool:
    return any(form.named(n)[0].kind != "hidden" for n in form.fuzzable())


def _shows(page: Page, expected: str, email: bool) -> bool:
    if email:
        expected, page_values, text = expected.lower(), [v.lower() for v in page.values], page.text.lower()
    else:
        page_values, text = page.values, page.text
    if any(v.replace("\r\n", "\n").strip() == expected for v in page_values):
        return True
    return fold(expected) in text


def forms_of(page: Page) -> list[Form]:
    """The forms a person fills in: posted, with a field to fill, not the sign-out button."""
    return [
        f
        for f in page.forms
        if f.method == "POST" and f.fuzzable() and not path(f.action).startswith("/account/sign-out")
    ]


def known_holes(request: pytest.FixtureRequest, app: Flask, key: str) -> tuple[tuple[str, str], ...]:
    """The tries that once showed a hole in test ``key`` (tests/attack/holes.py); a hole still open
    on this database makes the test a strict xfail."""
    databases, reason = OPEN.get(key, ((), ""))
    if app.extensions["organiser.engine"].dialect.name in databases:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason, raises=AssertionError))
    return FOUND.get(key, ())
