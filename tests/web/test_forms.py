"""Every form of the app, found by walking the package: each text field states its longest value
(a ``Length(max=…)`` validator, rendered as ``maxlength``) and refuses control characters first."""

from __future__ import annotations

import importlib
import pkgutil

from wtforms import HiddenField, StringField
from wtforms.validators import Length

import organiser
from organiser.web.forms import Form
from organiser.web.inputs import PlainText


def _all_forms() -> list[type[Form]]:
    for module in pkgutil.walk_packages(organiser.__path__, "organiser."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found, frontier = set(), [Form]
    while frontier:
        for sub in frontier.pop().__subclasses__():
            found.add(sub)
            frontier.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_every_text_field_states_its_length_and_refuses_control_characters(app):
    forms = _all_forms()
    assert len(forms) > 30, "the walk found the app's forms"
    missing = []
    with app.test_request_context():
        for form_class in forms:
            for field in form_class(meta={"csrf": False}):
                if not isinstance(field, StringField) or isinstance(field, HiddenField):
                    continue
                name = f"{form_class.__module__}.{form_class.__qualname__}.{field.name}"
                if not any(isinstance(v, Length) and v.max > 0 for v in field.validators):
                    missing.append(name)
                assert isinstance(field.validators[0], PlainText), name
                assert field.flags.maxlength or name in missing, name
    assert missing == [], f"text fields without a Length(max=…): {missing}"
