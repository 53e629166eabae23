"""What the app accepts from outside, decided in one place for every form, query and URL.

* Text never carries control characters into the database: PostgreSQL refuses NUL outright (a 500
  before this), SQLite would store it, and none of them is anything a person meant to type.
  Form fields refuse them with a message next to the field (``PlainText``, added to every text
  field by ``organiser.web.forms.Form``); query parameters drop them (``Request.args``); a URL path
  with one matches no route (a 404).
* An id in a URL fits the database's integer (``IdConverter``): a larger one is a 404, not an
  overflow inside the database driver.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Request as FlaskRequest
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter
from werkzeug.utils import cached_property
from wtforms.validators import ValidationError

# C0 controls, DEL and C1 controls. Multi-line text keeps tab and newline (browsers send CRLF:
# carriage returns are folded into newlines without a word).
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROLS_BUT_TAB_AND_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_ID = 2**31 - 1  # PostgreSQL's integer: the ids of every table


def without_controls(value: str, *, multiline: bool = False) -> str:
    """``value`` with its control characters removed (carriage returns become newlines when
    ``multiline``)."""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return CONTROLS_BUT_TAB_AND_NEWLINE.sub("", value)
    return CONTROLS.sub("", value)


class PlainText:
    """A form field's text holds no control characters. Any it had are removed and the form is
    sent back with the cleaned text and a message, so nothing is stored that the person did not
    see; line ends from a text area are normalised silently."""

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline
        self.pattern = CONTROLS_BUT_TAB_AND_NEWLINE if multiline else CONTROLS

    def __call__(self, form: Any, field: Any) -> None:
        data = field.data
        if not isinstance(data, str):
            return
        if self.multiline and "\r" in data:
            data = field.data = data.replace("\r\n", "\n").replace("\r", "\n")
        if self.pattern.search(data):
            field.data = self.pattern.sub("", data)
            raise ValidationError(
                _l(
                    "This had invisible control characters in it. They have been taken out: "
                    "check what is left and send the form again."
                )
            )


class Request(FlaskRequest):
    """Query parameters without control characters: they reach lookups and stored sources
    (``?source=``), and a NUL among them would be refused by PostgreSQL."""

    @cached_property
    def args(self) -> MultiDict[str, str]:  # type: ignore[override]
        raw = super().args
        if not any(CONTROLS.search(key) or CONTROLS.search(value) for key, value in raw.items(multi=True)):
            return raw
        return self.parameter_storage_class(
            [(without_controls(k), without_controls(v)) for k, v in raw.items(multi=True)]
        )


def form_text(name: str, default: str = "", *, max_length: int | None = None) -> str:
    """A posted value read outside a form class (hidden tracking fields, a button's note), with
    its control characters removed and cut to ``max_length``: it is stored or looked up as is."""
    from flask import request

    value = without_controls(request.form.get(name, default), multiline=True)
    return value[:max_length] if max_length is not None else value


class TextConverter(UnicodeConverter):
    """The default path segment (slugs, tokens), never matching a control character."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f-\x9f]")  # keeps the length bounds


class IdConverter(IntegerConverter):
    """``<int:id>``, up to the largest id the database can hold."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Any) -> None:
    app.request_class = Request
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.url_map.converters["int"] = IdConverter
