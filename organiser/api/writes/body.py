"""A write's JSON body, declared once: the same declaration checks a request (a 400 naming each field
in error, by its path: ``person.email_addresses.0.address``) and is the JSON Schema the OpenAPI
document publishes, so what the document allows is exactly what is accepted.

Text never carries control characters (C0, DEL, C1) nor lone surrogates (PostgreSQL refuses them);
multi-line text keeps tab and newline. A field the body does not know is an error, not ignored (a
typo such as ``comment`` for ``comments`` would otherwise vanish silently)."""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from flask import request
from flask_babel import gettext as _

from organiser.api.framework import ApiError

MAX_BODY = 64 * 1024  # bytes: a helper's body is a few hundred
_CONTROLS = r"\x00-\x1f\x7f-\x9f"
_CONTROLS_BUT_TAB_AND_NEWLINE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Lone surrogates (JSON may carry them; no database stores them) are refused too, beside the pattern:
# a pattern naming them is one the schema's tools cannot read, and they never generate them.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# An e-mail address, written so that every string it matches is one that can be mailed (the check is
# this pattern, as the document says: nothing a client was promised is then refused).
_LABEL = r"[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,20}){0,2}"
EMAIL_PATTERN = (
    r"^[A-Za-z0-9]{1,16}([._+-][A-Za-z0-9]{1,15}){0,3}"
    rf"@{_LABEL}(\.{_LABEL}){{0,2}}\.[A-Za-z]{{2,24}}$"
)


def _text_pattern(multiline: bool, required: bool) -> str:
    allowed = f"[^{_CONTROLS_BUT_TAB_AND_NEWLINE if multiline else _CONTROLS}]"
    if not required:
        return f"^{allowed}*$"
    visible = f"[^\\s{_CONTROLS}]"  # at least one character that is not white space
    return f"^{allowed}*{visible}{allowed}*$"


class Spec(ABC):
    """One field's declaration: its JSON Schema, and the check of a value against it."""

    @abstractmethod
    def schema(self) -> dict[str, Any]:
        """The JSON Schema the OpenAPI document publishes for this field."""

    @abstractmethod
    def check(self, value: Any, path: str, errors: dict[str, list[str]]) -> Any:
        """The value as kept (trimmed, converted), or an error recorded under ``path``."""


@dataclass
class Text(Spec):
    max_length: int
    multiline: bool = False
    blank: bool = True  # False: at least one visible character
    pattern: str | None = None  # instead of the control characters' one
    description: str = ""
    min_length: int = 0

    @property
    def regex(self) -> str:
        return self.pattern or _text_pattern(self.multiline, not self.blank)

    def schema(self) -> dict[str, Any]:
        found = {"type": "string", "maxLength": self.max_length, "pattern": self.regex}
        if self.min_length:
            found["minLength"] = self.min_length
        return {**found, "description": self.description} if self.description else found

    def check(self, value: Any, path: str, errors: dict[str, list[str]]) -> Any:
        # Python's ``$`` lets one newline end a match: so does this check (the value is trimmed).
        if not isinstance(value, str):
            errors[path] = [_("Must be text.")]
        elif len(value) > self.max_length:
            errors[path] = [_("Use at most %(max)s characters.", max=self.max_length)]
        elif len(value) < self.min_length:
            errors[path] = [_("Write at least %(min)s characters.", min=self.min_length)]
        elif re.search(self.regex, value) and not _SURROGATES.search(value):
            return value.strip()
        elif self.pattern is None and (re.search(f"[{self._controls}]", value) or _SURROGATES.search(value)):
            errors[path] = [_("Control characters (such as NUL) are not allowed in text.")]
        else:
            errors[path] = [self._mismatch()]
        return None

    @property
    def _controls(self) -> str:
        return _CONTROLS_BUT_TAB_AND_NEWLINE if self.multiline else _CONTROLS

    def _mismatch(self) -> str:
        if self.pattern == EMAIL_PATTERN:
            return _("Write an e-mail address like name@example.org (lower case).")
        if self.pattern is not None:
            return _("Not one of the values allowed here.")
        return _("Must not be empty.")


@dataclass
class Whole(Spec):
    """An id: a whole number that fits the database's integers (a bool is not one)."""

    description: str = ""
    maximum: int = 2**31 - 1

    def schema(self) -> dict[str, Any]:
        found = {"type": "integer", "minimum": 1, "maximum": self.maximum}
        return {**found, "description": self.description} if self.description else found

    def check(self, value: Any, path: str, errors: dict[str, list[str]]) -> Any:
        if isinstance(value, float) and value.is_integer():  # JSON Schema's integer: 7.0 is one
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= self.maximum:
            errors[path] = [_("Must be a whole number from 1 to %(max)s.", max=self.maximum)]
            return None
        return value


@dataclass
class Flag(Spec):
    description: str = ""

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean", **({"description": self.description} if self.description else {})}

    def check(self, value: Any, path: str, errors: dict[str, list[str]]) -> Any:
        if not isinstance(value, bool):
            errors[path] = [_("Must be true or false.")]
            return None
        return value


@dataclass
class Choice(Spec):
    values: tuple[str, ...]

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}

    def check(self, value: Any, path: str, errors: dict[str, list[str]]) -> Any:
        if not isinstance(value, str) or value not in self.values:
            errors[path] = [_("Not one of the values allowed here.")]
            return None
        return value


@dataclass
class List(Spec):
    item: Spec
    max_items: int
    min_items: int = 0

    def schema(self) -> dict[str, Any]:
        bounds = {"minItems": self.min_items} if self.min_items else {}
        return {"type": "array", "items": self.item.schema(), "maxItems": self.max_items, **bounds}

    def check(self, value: Any, path: str, errors: dict[str, list[str]]) -> Any:
        if not isinstance(value, list):
            errors[path] = [_("Must be a list.")]
            return None
        if not self.min_items <= len(value) <= self.max_items:
            errors[path] = [
                _("Give from %(low)s to %(high)s of them.", low=self.min_items, high=self.max_items)
            ]
            return None
        return [self.item.check(item, f"{path}.{n}", errors) for n, item in enumerate(value)]


@dataclass
class Map(Spec):
    """An object whose names are ids (``"12"``) and whose values are all alike."""

    value: Spec
    max_items: int
    description: str = ""

    def schema(self) -> dict[str, Any]:
        found = {
            "type": "object",
            "propertyNames": {"pattern": "^[1-9][0-9]{0,8}$"},
            "additionalProperties": self.value.schema(),
            "maxProperties": self.max_items,
        }
        return {**found, "description": self.description} if self.description else found

    def check(self, value: Any, path: str, errors: dict[str, list[str]]) -> Any:
        if not isinstance(value, dict):
            errors[path] = [_("Must be a JSON object.")]
            return None
        if len(value) > self.max_items:
            errors[path] = [_("Give at most %(max)s of them.", max=self.max_items)]
            return None
        cleaned = {}
        for name, item in value.items():
            if not re.search(r"^[1-9][0-9]{0,8}$", name):  # as the schema's pattern reads
                errors[_join(path, name)] = [_("Name it by its id, a whole number.")]
            else:
                cleaned[name.strip()] = self.value.check(item, _join(path, name), errors)
        return cleaned


@dataclass
class Object(Spec):
    fields: dict[str, Spec]
    required: tuple[str, ...] = ()
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # more of the schema (an example)

    def schema(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "type": "object",
            "properties": {name: spec.schema() for name, spec in self.fields.items()},
            "additionalProperties": False,
            **self.extra,
        }
        if self.required:
            found["required"] = list(self.required)
        return {**found, "description": self.description} if self.description else found

    def check(self, value: Any, path: str, errors: dict[str, list[str]]) -> Any:
        if not isinstance(value, dict):
            errors[path or "body"] = [_("Must be a JSON object.")]
            return None
        cleaned: dict[str, Any] = {}
        for name in value:
            if name not in self.fields:
                errors[_join(path, name)] = [_("This body takes no such field.")]
        for name in self.required:
            if name not in value:
                errors[_join(path, name)] = [_("This field is required.")]
        for name, spec in self.fields.items():
            if name in value:
                cleaned[name] = spec.check(value[name], _join(path, name), errors)
        return cleaned


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def json_body() -> Any:
    """The request's body as JSON (whatever its content type says); a 400 if it is not JSON, a 413 if
    it is over ``MAX_BODY``."""
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, _("The body is too large (at most %(max)s bytes).", max=MAX_BODY))
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise ApiError(413, _("The body is too large (at most %(max)s bytes).", max=MAX_BODY))
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, _("The body is not JSON."), {"body": [_("Send a JSON object.")]}) from None


def parse(spec: Object) -> dict[str, Any]:
    """The request's body checked against ``spec``: the cleaned values, or a 400 naming each field."""
    errors: dict[str, list[str]] = {}
    cleaned = spec.check(json_body(), "", errors)
    if errors:
        raise ApiError(400, _("Some fields are not valid."), errors)
    return cleaned
