"""Read a page as a browser would: its forms (action, method, fields with their defaults), its
visible text and the values its fields show, and whether it refused what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.test import TestResponse

TEXT_TYPES = {"text", "email", "url", "search", "tel", "password", "textarea", "hidden", "number", "date"}
TEXT_TYPES |= {"datetime-local", "time", "month", "week", "color", "range"}


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "textarea", "select", "select-multiple", "button"
    value: str = ""  # what the page fills in (the selected option of a select)
    options: list[str] = field(default_factory=list)
    checked: bool = False

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_TYPES


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    def named(self, name: str) -> list[Field]:
        return [f for f in self.fields if f.name == name]

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields))

    def fuzzable(self) -> list[str]:
        """The fields a person (or a bot) can put a value in: all but the CSRF token and buttons."""
        return [
            n for n in self.names if n != "csrf_token" and self.named(n)[0].kind not in ("button", "submit")
        ]


class _Parser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.text: list[str] = []
        self.values: list[str] = []  # what every field shows (input values, text areas, selected options)
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._textarea: Field | None = None
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "form":
            self._form = Form(
                action=urljoin(self.url, a.get("action") or self.url),
                method=(a.get("method") or "get").upper(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif tag == "input":
            self._input(a)
        elif tag == "button" and a.get("name") and self._form is not None:
            self._form.fields.append(Field(a["name"], "button", a.get("value", "")))
        elif tag == "select":
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = Field(a.get("name", ""), kind)
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._option is not None:
                self._select.options.append(self._option)
                if "selected" in a:
                    self._select.value = self._option
                    self.values.append(self._option)
        elif tag == "textarea":
            self._textarea = Field(a.get("name", ""), "textarea")

    def _input(self, a: dict[str, str]) -> None:
        kind = (a.get("type") or "text").lower()
        value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
        if kind not in ("checkbox", "radio", "submit", "image", "reset"):
            self.values.append(value)
        if self._form is None or not a.get("name"):
            return
        if kind == "radio":
            existing = self._form.named(a["name"])
            if existing:
                existing[0].options.append(value)
                if "checked" in a:
                    existing[0].value, existing[0].checked = value, True
                return
            self._form.fields.append(Field(a["name"], "radio", value if "checked" in a else "", [value]))
            return
        self._form.fields.append(Field(a["name"], kind, value, [value], "checked" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.value and self._select.options and self._select.kind == "select":
                self._select.value = self._select.options[0]  # what a browser sends untouched
            if self._form is not None and self._select.name:
                self._form.fields.append(self._select)
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline right after <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\r\n").removeprefix("\n")
            self.values.append(self._textarea.value)
            if self._form is not None and self._textarea.name:
                self._form.fields.append(self._textarea)
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        elif not self._skip and self._select is None:
            self.text.append(data)


@dataclass
class Page:
    url: str
    status: int
    forms: list[Form]
    text: str  # the visible text, white space folded
    values: list[str]  # what the page's fields show, as they are
    refused: bool  # an error next to a field, or an error summary (a flashed error: see ``flashed``)


def read(response: TestResponse, url: str) -> Page:
    html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    parser = _Parser(url)
    parser.feed(html)
    refused = any(marker in html for marker in ('class="error-message"', "error-summary"))
    return Page(
        url=url,
        status=response.status_code,
        forms=parser.forms,
        text=fold(" ".join(parser.text)),
        values=parser.values,
        refused=refused,
    )


def fold(text: str) -> str:
    """White space as a browser shows it: runs of it are one space."""
    return " ".join(text.split())


def path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
