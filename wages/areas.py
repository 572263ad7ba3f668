"""The areas of the city that wage lines and market rates are kept for: its districts and counties by their
administrative division code (GB/T 2260). An empty code is the whole city."""

from django.utils.translation import gettext_lazy as _

from .models import CITY_WIDE

AREA_NAMES = {
    CITY_WIDE: _("The whole city"),
    "610202": "王益区",
    "610203": "印台区",
    "610204": "耀州区",
    "610222": "宜君县",
}


def area_name(code: str) -> str:
    if code not in AREA_NAMES and code.endswith("0000"):
        return str(_("Elsewhere in the province (%(code)s)") % {"code": code})
    return str(AREA_NAMES.get(code, code))
