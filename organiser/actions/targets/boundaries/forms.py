"""The map's upload form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from organiser.web.forms import Form


class BoundaryUploadForm(Form):
    file = FileField(
        _l("GeoJSON file"),
        description=_l(
            "A FeatureCollection in longitude and latitude (WGS 84, as GeoJSON is), one Polygon or "
            "MultiPolygon feature for each area, at most 4 MB and 1,000 areas. A detailed file is "
            "simplified for the page: the Office for National Statistics' “BUC” (ultra generalised) "
            "boundaries are plenty."
        ),
        validators=[
            FileRequired(message=_l("Choose a GeoJSON file")),
            FileAllowed(["geojson", "json"], message=_l("Choose a .geojson or .json file")),
        ],
        render_kw={"accept": ".geojson,.json,application/geo+json,application/json"},
    )
    code_property = StringField(
        _l("Property with each area's code"),
        description=_l(
            "The codes must be those of your lookup table (ONS files call them PCON24CD for the 2024 "
            "constituencies). Without a lookup table, use the postcode districts or places signers type."
        ),
        default="code",
        validators=[DataRequired(message=_l("Name the property with the area code")), Length(max=100)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    name_property = StringField(
        _l("Property with each area's name (optional)"),
        description=_l("Shown when the pointer is on an area. Without it, the code is."),
        default="name",
        validators=[Optional(), Length(max=100)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
