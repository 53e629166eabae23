"""The country lists offer real countries only: none of CLDR's pseudo-locales ("Pseudo-Accents"),
unions and organisations ("Eurozone", "United Nations"), regions ("Outlying Oceania", "Unknown
Region") or islands that belong to a listed country; and a country a form keeps still validates."""

from __future__ import annotations

import re

import pytest
from babel import Locale

from organiser.coalitions.forms import country_choices
from organiser.db import db
from organiser.web.forms import COUNTRY_CODES, is_country
from tests.factories import CoalitionFactory, PetitionFactory
from tests.helpers import text_of

NOT_COUNTRIES = ["XA", "XB", "EU", "EZ", "UN", "ZZ", "QO", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"]
NAMES = ["Pseudo-Accents", "Pseudo-Bidi", "Eurozone", "United Nations", "Unknown Region", "Outlying Oceania"]


def test_the_country_codes_are_iso_3166s_countries_and_kosovo():
    assert len(COUNTRY_CODES) == 250, "ISO 3166-1's 249, and Kosovo"
    assert {"GB", "ZM", "MX", "NG", "PK", "ZW", "XK", "PS", "TW", "AQ", "HK"} <= COUNTRY_CODES
    assert not set(NOT_COUNTRIES) & COUNTRY_CODES
    assert all(is_country(code) for code in COUNTRY_CODES)
    assert not any(is_country(code) for code in ("001", "419", "gb", "G", "GBR", "QM", "XZ", "AA"))
    everything = {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}
    assert everything - COUNTRY_CODES == set(NOT_COUNTRIES), "nothing else is left out"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_country_list_names_real_countries_only(app, language):
    with app.test_request_context(f"/?lang={language}"):
        choices = country_choices("Choose a country")
    codes = [c.value for c in choices]
    assert codes[0] == "" and len(codes) == 251 and set(codes[1:]) == COUNTRY_CODES
    labels = {c.label for c in choices}
    assert not any(name in labels for name in NAMES)
    assert ("Reino Unido" if language == "es" else "United Kingdom") in labels


def test_the_sign_form_offers_real_countries_and_takes_no_other(app, client, mail):
    with app.app_context():
        sia = CoalitionFactory(slug="sia")
        PetitionFactory(coalition_id=sia.id, slug="essentials")
        db.session.commit()
    html = client.get("/petitions/essentials").get_data(as_text=True)
    offered = set(re.findall(r'<option value="([A-Z]{2})"', html))
    assert offered == COUNTRY_CODES and "Pseudo-Accents" not in html and "Eurozone" not in html
    signer = {"name": "Aisha Khan", "email": "aisha@example.org"}
    refused = client.post("/petitions/essentials/sign", data={**signer, "country": "EU"})
    assert "Choose a country from the list" in text_of(refused)
    kept = client.post("/petitions/essentials/sign", data={**signer, "country": "GB"})
    assert "check your e-mail" in text_of(kept).lower(), "a real country, as stored ones are, still validates"
