"""The testimony's fields: a charge from the list or a theme; a pseudonym when one is chosen; what
the testimony keeps of the form."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from organiser.assemblies.tribunals.forms import WitnessEditForm

GOOD = {"witness_kind": "frontline", "account": "What happened.", "publication": "anonymous"}


def _form(tribunal, **data):
    form = WitnessEditForm(formdata=MultiDict({**GOOD, **data}))
    form.set_charges(tribunal.charges)
    return form


def test_a_charge_from_the_list_or_a_theme_is_needed(app, tribunal):
    form = _form(tribunal, charge="")
    assert not form.validate()
    assert form.theme.errors == ["Choose a charge, or name the theme of your testimony"]
    outsider = _form(tribunal, charge="999999")
    assert not outsider.validate() and outsider.charge.errors == ["Choose a charge from the list"]
    chosen = _form(tribunal, charge=str(tribunal.charges[1].id), theme="ignored", pseudonym="ignored too")
    assert chosen.validate(), chosen.errors
    fields = chosen.testimony_fields()
    assert (
        fields["charge_id"] == tribunal.charges[1].id and fields["theme"] == "" and fields["pseudonym"] == ""
    )


def test_a_pseudonym_is_asked_for_only_when_chosen(app, tribunal):
    form = _form(tribunal, theme="Water", publication="pseudonym")
    assert not form.validate() and form.pseudonym.errors == ["Enter the name to show instead of yours"]
    named = _form(tribunal, theme="Water", publication="pseudonym", pseudonym="  Mama Water ")
    assert named.validate() and named.testimony_fields()["pseudonym"] == "Mama Water"
    assert not _form(tribunal, theme="Water", publication="famous").validate()
