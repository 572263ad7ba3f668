"""The API's JSON parser: DRF's, refusing with a 400 what would otherwise reach Python or the database as an error.

- Nesting deeper than Python's recursion limit makes `json.loads` raise RecursionError (a 500 before): no field
  of the API nests more than a few levels, so such a body is refused as malformed.
- A NUL character (`\\u0000`) is legal JSON but no text column takes it (PostgreSQL refuses it in text and jsonb);
  DRF's CharField refuses it by field, but free-form JSON would carry it to the database. Refused here, once.
- A lone surrogate (`\\ud800`) is legal JSON too, but not a character: no UTF-8 text holds it, so saving it, or
  answering with it, failed with UnicodeEncodeError.
- A number too large for a float (`1e309`) parses to infinity, which no field or column takes: int() of it raised
  OverflowError where an id or a count was read (DRF refuses the literals NaN and Infinity, not this).
"""

import math
import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

SURROGATE = re.compile("[\ud800-\udfff]")


def _refusal(value) -> str | None:
    """Why no field could take this parsed JSON (the first reason found), or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return _("Text may not contain the NUL character (\\u0000).")
        if SURROGATE.search(value):
            return _("Text may not contain a lone surrogate (\\ud800–\\udfff): it is not a character.")
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else _("A number is too large.")
    if isinstance(value, dict):
        return next(filter(None, (_refusal(part) for item in value.items() for part in item)), None)
    if isinstance(value, list):
        return next(filter(None, map(_refusal, value)), None)
    return None


class UnreadableBody(ParseError):
    """A body refused for a reason of ours: its text is kept (DRF's own parse errors quote Python's decoder)."""


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise UnreadableBody(_("The JSON is nested too deeply.")) from None
        refusal = _refusal(data)
        if refusal:
            raise UnreadableBody(refusal)
        return data
