"""The API's JSON parser: DRF's, refusing with a 400 what would otherwise reach Python or the database as an error.

- Nesting deeper than Python's recursion limit makes `json.loads` raise RecursionError (a 500 before): no field
  of the API nests more than a few levels, so such a body is refused as malformed.
- A NUL character (`\\u0000`) is legal JSON but no text column takes it (PostgreSQL refuses it in text and jsonb);
  DRF's CharField refuses it by field, but free-form JSON would carry it to the database. Refused here, once.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class UnreadableBody(ParseError):
    """A body refused for a reason of ours: its text is kept (DRF's own parse errors quote Python's decoder)."""


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise UnreadableBody(_("The JSON is nested too deeply.")) from None
        if _has_nul(data):
            raise UnreadableBody(_("Text may not contain the NUL character (\\u0000)."))
        return data
