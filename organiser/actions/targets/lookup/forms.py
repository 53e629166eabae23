"""The lookup table's import form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from organiser.coalitions.forms import csv_file_field
from organiser.web.forms import Form


class AreaImportForm(Form):
    file = csv_file_field(
        _l(
            "One row for each postcode. The first row names the columns: postcode and area_code are "
            "needed, area_name is optional. The postcode may be a full postcode (LS6 1AA), a district "
            "(LS6) or a sector (LS6 1), or any code or place name your writers know (a ward code, a "
            "town): a full postcode finds its sector or district when it is not in the table itself."
        )
    )
