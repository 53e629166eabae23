"""What every write shares: its route on the API's blueprint and its entry in the OpenAPI document
(declared together, so they cannot drift apart), one commit per request, and ``Idempotency-Key``.

Idempotency: a client that sends ``Idempotency-Key`` (1–255 visible ASCII characters) gets, for the
same key and the same request (method, path and body, compared as JSON), the answer the first one
got — its status, body and ``Location`` — replayed without doing anything again, and a 409 for a
different request under a key already used. Keys are per API key (two clients never collide) and
kept ``KEPT`` (a day), then forgotten by the workers' sweep. Only successful answers are kept: a
refused request did nothing, and sending it again is asked again (the petition may have opened
since). Two identical requests at the same moment: the unique key lets one commit; the other is
rolled back and replays the first one's answer."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import request
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from organiser.api.framework import HAL, ApiError, bp, current_scope, hal
from organiser.api.openapi import error_responses
from organiser.api.registry import register_operation
from organiser.api.writes.body import Object
from organiser.api.writes.models import IdempotentAnswer
from organiser.db import as_utc, db, utcnow

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
KEPT = timedelta(hours=24)
ID = "int(min=1, max=2147483647)"


@dataclass(frozen=True)
class Answer:
    """What a write answers: its status, its HAL+JSON body and where the new object is."""

    status: int
    body: dict[str, Any]
    location: str = ""
    person_id: int | None = None  # whose details the body holds (kept answers are erased with them)

    def response(self, replayed: bool = False) -> Response:
        headers = {"Location": self.location} if self.location else {}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return hal(self.body, self.status, headers)


Handler = Callable[..., Answer]


def _idempotency_key() -> str | None:
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not re.fullmatch(KEY_PATTERN, value):
        message = _("From 1 to 255 visible ASCII characters, such as a UUID.")
        raise ApiError(400, _("The %(header)s header is not valid.", header=HEADER), {HEADER: [message]})
    return value


def _request_hash() -> str:
    raw = request.get_data(cache=True)
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        canonical = raw
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def _kept(key_id: int, idempotency_key: str) -> IdempotentAnswer | None:
    kept = db.session.scalar(
        select(IdempotentAnswer).where(
            IdempotentAnswer.api_key_id == key_id, IdempotentAnswer.idempotency_key == idempotency_key
        )
    )
    if kept is not None and as_utc(kept.created_at) < utcnow() - KEPT:
        db.session.delete(kept)  # expired, not yet swept: as if it never was
        db.session.flush()
        return None
    return kept


def _replay(kept: IdempotentAnswer, request_hash: str) -> Response:
    if kept.request_hash != request_hash:
        raise ApiError(
            409,
            _("This Idempotency-Key was used for a different request: use a new key for a new request."),
            {HEADER: [_("Used before, for another request.")]},
        )
    return Answer(kept.status, json.loads(kept.body), kept.location).response(replayed=True)


def run_write(handler: Handler, **arguments: Any) -> Response:
    """Run one write: replay a kept answer, or act, keep the answer (with a key) and commit once."""
    idempotency_key = _idempotency_key()
    key_id = current_scope().key.id
    request_hash = _request_hash() if idempotency_key else ""
    if idempotency_key and (kept := _kept(key_id, idempotency_key)) is not None:
        return _replay(kept, request_hash)
    try:
        answer = handler(**arguments)
        if idempotency_key:
            db.session.add(
                IdempotentAnswer(
                    api_key_id=key_id,
                    idempotency_key=idempotency_key,
                    request_hash=request_hash,
                    status=answer.status,
                    body=json.dumps(answer.body, ensure_ascii=False),
                    location=answer.location[:500],
                    person_id=answer.person_id,
                )
            )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        kept = _kept(key_id, idempotency_key) if idempotency_key else None
        if kept is None:
            raise
        return _replay(kept, request_hash)  # the same request, at the same moment: the first one won
    except BaseException:
        db.session.rollback()
        raise
    return answer.response()


def forget_old_answers() -> int:
    """Forget the answers kept longer than ``KEPT`` (the workers' sweep)."""
    removed = db.session.execute(
        delete(IdempotentAnswer).where(IdempotentAnswer.created_at < utcnow() - KEPT)
    ).rowcount
    db.session.commit()
    return removed or 0


# ---- declaring a write: its route and its description -------------------------------------------


IDEMPOTENCY_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Send the same key with the same request to get the first answer again (kept 24 "
    "hours, per API key); a different request under a used key is a 409.",
    "schema": {"type": "string", "pattern": KEY_PATTERN},
}


def _with_body(status: dict[str, str], schema: dict[str, Any]) -> dict[str, Any]:
    return {
        code: {"description": text, "content": {HAL: {"schema": schema}}} for code, text in status.items()
    }


def write(
    path: str,
    endpoint: str,
    *,
    method: str = "POST",
    summary: str,
    description: str,
    body: Object,
    answers: dict[str, str],
    answer_schema: dict[str, Any],
    path_parameters: tuple[str, ...] = (),
    errors: tuple[str, ...] = ("400", "401", "403", "404", "409", "413", "429"),
) -> Callable[[Handler], Handler]:
    """Add the write ``handler`` at ``path`` (under /api/v1, with ``<id:name>`` for ids) to the API's
    blueprint, and describe it, with its body, answers and errors, in the OpenAPI document."""

    def decorate(handler: Handler) -> Handler:
        route = path
        for name in path_parameters:
            route = route.replace(f"{{{name}}}", f"<{ID}:{name}>")
        bp.add_url_rule(route, endpoint, lambda **kw: run_write(handler, **kw), methods=[method])
        known = error_responses()
        known.update(_extra_errors())
        register_operation(
            path,
            method,
            {
                "summary": summary,
                "description": description,
                "operationId": endpoint,
                "parameters": [
                    *(
                        {
                            "name": name,
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                        }
                        for name in path_parameters
                    ),
                    IDEMPOTENCY_PARAMETER,
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": body.schema()}}},
                "responses": {
                    **_with_body(answers, answer_schema),
                    **{code: known[code] for code in errors},
                },
            },
        )
        return handler

    return decorate


def _extra_errors() -> dict[str, Any]:
    error = {"$ref": "#/components/schemas/Error"}
    texts = {
        "409": "The object cannot take this now (a closed petition), or the Idempotency-Key was used for "
        "another request.",
        "405": "Not this method here. (An id beyond the ids' range, where another method is served, may be "
        "answered so: the router refuses the method before the id.)",
        "413": "The body is too large.",
        "422": "The body is valid but says too little here (named in errors).",
    }
    return {code: {"description": text, "content": {HAL: {"schema": error}}} for code, text in texts.items()}
